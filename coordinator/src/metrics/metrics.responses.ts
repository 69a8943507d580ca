import { z } from '../http/openapi-zod';

export const prometheusTextSchema = z.string().openapi({ description: 'Prometheus text exposition format 0.0.4' });
