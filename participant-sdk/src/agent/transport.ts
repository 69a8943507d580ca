import * as fs from 'fs';
import * as grpc from '@grpc/grpc-js';
import { z } from 'zod';

/**
 * How the agent reaches the coordinator. TLS by default, trusting the system's CAs;
 * `caFile` adds the consortium's CA; `certFile`/`keyFile` present a client certificate
 * (mutual TLS); `insecure` is plaintext, for local development only.
 */
export const agentTransportSchema = z
  .object({
    insecure: z.boolean().optional(),
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
  })
  .strict();

export type AgentTransport = z.infer<typeof agentTransportSchema>;

function read(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(
      `${what} ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

export function channelCredentials(t: AgentTransport = {}): grpc.ChannelCredentials {
  if (t.insecure) return grpc.credentials.createInsecure();
  if (Boolean(t.certFile) !== Boolean(t.keyFile)) throw new Error('a client certificate needs both --cert and --key');
  return grpc.credentials.createSsl(
    t.caFile ? read(t.caFile, 'CA certificate') : null,
    t.keyFile ? read(t.keyFile, 'client key') : null,
    t.certFile ? read(t.certFile, 'client certificate') : null,
  );
}

/** What enrollment may remember: never `insecure`, which must be asked for on each command line. */
export function rememberedTransport(t: AgentTransport | undefined): AgentTransport | undefined {
  if (!t) return t;
  const { insecure: _dropped, ...kept } = t;
  void _dropped;
  return kept;
}

/** Flags given now win over what enrollment saved; unset flags keep it. Plaintext comes from the flags alone. */
export function mergeTransport(saved: AgentTransport | undefined, flags: AgentTransport): AgentTransport {
  const out: AgentTransport = { ...rememberedTransport(saved) };
  for (const [k, v] of Object.entries(flags) as [keyof AgentTransport, string | boolean | undefined][])
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
