import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
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
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Where `serve --ready-file` reports the bound ports (used by `simulate`). */
    readyFile: z.string().optional(),
  })
  .strict();

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
  logLevel: 'info',
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
};

/** Reads a YAML (or JSON) configuration file; a problem names the file. */
function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError([`${file}: must be a mapping of setting: value`]);
  return doc as Record<string, unknown>;
}

/**
 * Defaults, then the YAML file (`configFile`, or env SYNDICATE_CONFIG), then
 * environment, then explicit overrides (CLI flags); every problem is reported at once.
 */
export function loadCoordinatorConfig(
  overrides: Partial<Record<keyof CoordinatorConfig, unknown>> = {},
  env: NodeJS.ProcessEnv = process.env,
  configFile: string | undefined = env.SYNDICATE_CONFIG || undefined,
): CoordinatorConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG, ...(configFile ? readConfigFile(configFile) : {}) };
  for (const [envKey, key] of Object.entries(ENV_KEYS)) {
    if (env[envKey] !== undefined && env[envKey] !== '') merged[key] = env[envKey];
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  const result = coordinatorConfigSchema.safeParse(merged);
  if (!result.success) {
    const envName = (key: string) => Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0];
    throw new ConfigError(
      result.error.issues.map((i) => {
        const key = String(i.path[0] ?? '');
        const hint = envName(key) ? ` (env ${envName(key)})` : '';
        // Unknown settings (typos in the YAML file) are named one by one.
        if (i.code === 'unrecognized_keys') return `${configFile ?? 'configuration'}: unknown setting${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
        return `${key}${hint}: ${i.message}`;
      }),
    );
  }
  return result.data;
}
