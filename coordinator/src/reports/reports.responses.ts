import { z } from '../http/openapi-zod';

export const htmlReportSchema = z.string().openapi({
  description: 'one self-contained HTML page: learning curves, ROC, KS, calibration, per-round table',
});
