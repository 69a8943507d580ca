import { describes, epochMs, z } from '../http/openapi-zod';
import type { AuditEvent } from './audit-event.entity';
import type { AuditService } from './audit.service';

export const auditEntrySchema = describes<AuditEvent>()(
  z
    .object({
      seq: z.number().int().openapi({ description: '1, 2, 3, ... with no gaps: a missing number is a removed entry' }),
      at: epochMs,
      actor: z.string().openapi({ description: 'API token id, participant id, or `system`' }),
      action: z.string().openapi({ example: 'round.opened' }),
      federationId: z.string().nullable(),
      subject: z.string().nullable().openapi({ description: 'what the action was about: a round, a model, an epoch' }),
      detail: z
        .string()
        .openapi({ description: 'JSON object: reason codes, hashes, signatures; never payloads or keys' }),
      prevHash: z.string(),
      hash: z
        .string()
        .openapi({ description: 'SHA-256 over prevHash and this entry: the chain the verify call checks' }),
    })
    .openapi('AuditEntry'),
);

export const auditVerificationSchema = describes<Awaited<ReturnType<AuditService['verify']>>>()(
  z
    .discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), entries: z.number().int() }),
      z.object({
        ok: z.literal(false),
        seq: z.number().int().openapi({ description: 'first entry that breaks the chain' }),
        problem: z.string(),
      }),
    ])
    .openapi('AuditVerification'),
);

export const auditEntryListSchema = z.array(auditEntrySchema);
