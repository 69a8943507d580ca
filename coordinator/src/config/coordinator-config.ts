import * as path from 'path';
import { envBoolean, isReadable, readSettingsFile } from '@syndicate/protocol';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

export const coordinatorConfigSchema = z
  .object({
    /** `sqlite:<file>` (default) or a postgres:// URL. */
    databaseUrl: z
      .string()
      .min(1)
      .refine((u) => u.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(u), {
        message: 'must be sqlite:<path> or a postgres:// URL',
      }),
    grpcHost: z.string().min(1),
    grpcPort: port,
    httpHost: z.string().min(1),
    httpPort: port,
    /** How often the round driver checks deadlines. */
    tickMs: z.coerce.number().int().min(10).max(60_000),
    /** Largest update the coordinator accepts, bytes. */
    maxPayloadBytes: z.coerce.number().int().min(1024),
    /** Uploads assembled at once; the rest wait under HTTP/2 flow control, so memory does not grow with members. */
    maxConcurrentUploads: z.coerce.number().int().min(1).max(1024),
    /** An upload or publish stream that sends nothing for this long is dropped, and nothing of it kept. */
    streamIdleSeconds: z.coerce.number().int().min(1).max(3600),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Where `serve --ready-file` reports the bound ports (used by `syndicate-simulate`). */
    readyFile: z.string().optional(),
    /** PEM server certificate (chain) and key for gRPC and REST. */
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    /** PEM CA that agent client certificates must chain to: turns on mutual TLS for gRPC. */
    tlsClientCa: z.string().min(1).optional(),
    /** A plain-HTTP listener serving only /metrics, for in-cluster scrapers without the client CA (off when unset). */
    metricsPort: port.optional(),
    /** The gRPC address agents dial (e.g. an Ingress host:443); invitations and kits print it. */
    advertisedGrpcAddress: z
      .string()
      .regex(/^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, as agents dial it')
      .optional(),
    /** Plaintext listeners; development only, and only from the command line (`--insecure`). */
    insecure: z.preprocess(envBoolean, z.boolean()),
  })
  .strict();

/** TLS settings checked even when other settings are wrong, so every problem is listed at once. */
function tlsProblems(c: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const insecure = c.insecure === true || c.insecure === 'true' || c.insecure === '1';
  if (!insecure && !(c.tlsCert && c.tlsKey)) {
    problems.push(
      'tlsCert (env SYNDICATE_TLS_CERT): TLS is required: set tlsCert and tlsKey (`syndicate certs init` makes development ones), or pass --insecure for a plaintext development listener',
    );
  } else if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) {
    problems.push('tlsKey (env SYNDICATE_TLS_KEY): tlsCert and tlsKey go together');
  }
  for (const key of ['tlsCert', 'tlsKey', 'tlsClientCa']) {
    const file = c[key];
    if (typeof file === 'string' && file && !isReadable(file)) problems.push(`${key}: ${file} cannot be read`);
  }
  return problems;
}

export type CoordinatorConfig = z.infer<typeof coordinatorConfigSchema>;

export const DEFAULT_CONFIG: CoordinatorConfig = {
  databaseUrl: `sqlite:${path.join('var', 'syndicate.sqlite')}`,
  grpcHost: '127.0.0.1',
  grpcPort: 50051,
  httpHost: '127.0.0.1',
  httpPort: 8080,
  tickMs: 500,
  maxPayloadBytes: 2 * 1024 * 1024 * 1024 - 1,
  maxConcurrentUploads: 4,
  streamIdleSeconds: 60,
  logLevel: 'info',
  insecure: false,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid coordinator configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ENV_KEYS: Record<string, keyof CoordinatorConfig> = {
  DATABASE_URL: 'databaseUrl',
  SYNDICATE_GRPC_HOST: 'grpcHost',
  SYNDICATE_GRPC_PORT: 'grpcPort',
  SYNDICATE_HTTP_HOST: 'httpHost',
  SYNDICATE_HTTP_PORT: 'httpPort',
  SYNDICATE_TICK_MS: 'tickMs',
  SYNDICATE_MAX_PAYLOAD_BYTES: 'maxPayloadBytes',
  SYNDICATE_MAX_CONCURRENT_UPLOADS: 'maxConcurrentUploads',
  SYNDICATE_LOG_LEVEL: 'logLevel',
  SYNDICATE_STREAM_IDLE_SECONDS: 'streamIdleSeconds',
  SYNDICATE_TLS_CERT: 'tlsCert',
  SYNDICATE_TLS_KEY: 'tlsKey',
  SYNDICATE_TLS_CLIENT_CA: 'tlsClientCa',
  SYNDICATE_METRICS_PORT: 'metricsPort',
  SYNDICATE_ADVERTISED_GRPC_ADDRESS: 'advertisedGrpcAddress',
};

/**
 * Plaintext must be asked for where an operator sees it, on the command line: a stray environment
 * variable or a line in a config file must never turn TLS off. Says where an ignored request came from.
 */
function plaintextRequestedElsewhere(
  file: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  configFile: string | undefined,
): string | null {
  const truthy = (v: unknown) => v === true || v === 'true' || v === '1';
  if (truthy(file.insecure)) return `insecure in ${configFile}`;
  if (truthy(env.SYNDICATE_INSECURE)) return 'env SYNDICATE_INSECURE';
  return null;
}

function readConfigFile(file: string): Record<string, unknown> {
  const r = readSettingsFile(file);
  if ('problem' in r) throw new ConfigError([r.problem]);
  return r.settings;
}

/**
 * Defaults, then the YAML file (`configFile`, or env SYNDICATE_CONFIG), then
 * environment, then explicit overrides (CLI flags); every problem is reported at once.
 */
export function loadCoordinatorConfig(
  overrides: Partial<Record<keyof CoordinatorConfig, unknown>> = {},
  env: NodeJS.ProcessEnv = process.env,
  configFile: string | undefined = env.SYNDICATE_CONFIG || undefined,
  /** false for commands that only touch the database (init, audit): TLS settings do not concern them. */
  listeners = true,
): CoordinatorConfig {
  const fromFile = configFile ? readConfigFile(configFile) : {};
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG, ...fromFile, insecure: false };
  for (const [envKey, key] of Object.entries(ENV_KEYS)) {
    if (env[envKey] !== undefined && env[envKey] !== '') merged[key] = env[envKey];
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  const result = coordinatorConfigSchema.safeParse(merged);
  const elsewhere = plaintextRequestedElsewhere(fromFile, env, configFile);
  const tls = listeners ? tlsProblems(merged) : [];
  if (listeners && elsewhere && merged.insecure !== true)
    tls.push(
      `${elsewhere}: plaintext is only ever turned on by --insecure on the command line (syndicate serve --insecure); remove it, or pass the flag`,
    );
  if (!result.success || tls.length) {
    const envName = (key: string) => Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0];
    throw new ConfigError([
      ...(result.success ? [] : result.error.issues).map((i) => {
        const key = String(i.path[0] ?? '');
        const hint = envName(key) ? ` (env ${envName(key)})` : '';
        // Unknown settings (typos in the YAML file) are named one by one.
        if (i.code === 'unrecognized_keys')
          return `${configFile ?? 'configuration'}: unknown setting${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
        return `${key}${hint}: ${i.message}`;
      }),
      ...tls,
    ]);
  }
  return result.data;
}
