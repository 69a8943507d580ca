import * as path from 'path';
import { envBoolean, isReadable, readSettingsFile } from '@syndicate/protocol';
import { z } from 'zod';

/** Everything `syndicate-agent run` needs; defaults, then a YAML file, then the environment, then flags. */
export const agentConfigSchema = z
  .object({
    /** The bank's extract (CSV), matching the plan's schema. */
    data: z.string({ required_error: 'required: the CSV to train on' }).min(1),
    /** Keys and enrollment (0700). */
    stateDir: z.string().min(1),
    /** Coordinator gRPC address (host:port); needed to enroll, overrides the saved one afterwards. */
    coordinator: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port')
      .optional(),
    federation: z.string().min(1).optional(),
    /** One-time enrollment token; used only when not enrolled yet. */
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    keepUpdates: z.string().min(1).optional(),
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    insecure: z.preprocess(envBoolean, z.boolean()).optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const AGENT_DEFAULTS = { stateDir: '.syndicate-agent', logLevel: 'info' } as const;

const ENV: Record<string, keyof AgentConfig> = {
  SYNDICATE_DATA: 'data',
  SYNDICATE_STATE_DIR: 'stateDir',
  SYNDICATE_COORDINATOR: 'coordinator',
  SYNDICATE_FEDERATION: 'federation',
  SYNDICATE_ENROLLMENT_TOKEN: 'token',
  SYNDICATE_ENROLLMENT_TOKEN_FILE: 'tokenFile',
  SYNDICATE_KEEP_UPDATES: 'keepUpdates',
  SYNDICATE_CA: 'ca',
  SYNDICATE_CERT: 'cert',
  SYNDICATE_KEY: 'key',
  SYNDICATE_LOG_LEVEL: 'logLevel',
};

export class AgentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AgentConfigError';
  }
}

const PATH_SETTINGS = ['data', 'stateDir', 'tokenFile', 'keepUpdates', 'ca', 'cert', 'key'];

/** Relative paths in the file are relative to the file, so a kit directory works from wherever it is unpacked. */
function readFileSetting(file: string): Record<string, unknown> {
  const r = readSettingsFile(file);
  if ('problem' in r) throw new AgentConfigError([r.problem]);
  const settings = { ...r.settings };
  for (const key of PATH_SETTINGS) {
    const v = settings[key];
    if (typeof v === 'string' && v && !path.isAbsolute(v)) settings[key] = path.resolve(path.dirname(file), v);
  }
  return settings;
}

/** Every problem at once, each naming its flag and environment variable. */
export function loadAgentConfig(
  flags: Partial<Record<keyof AgentConfig, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
  configFile: string | undefined = env.SYNDICATE_AGENT_CONFIG || undefined,
): AgentConfig {
  const fromFile = configFile ? readFileSetting(configFile) : {};
  const merged: Record<string, unknown> = { ...AGENT_DEFAULTS, ...fromFile };
  delete merged.insecure;
  for (const [name, key] of Object.entries(ENV))
    if (env[name] !== undefined && env[name] !== '') merged[key] = env[name];
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) merged[key] = value;
  // Plaintext is asked for where the operator sees it, on the command line; a file or a stray variable must not.
  const truthy = (v: unknown) => v === true || v === 'true' || v === '1';
  const elsewhere = truthy(fromFile.insecure)
    ? `insecure in ${configFile}`
    : truthy(env.SYNDICATE_INSECURE)
      ? 'env SYNDICATE_INSECURE'
      : null;
  const where = (key: string) => {
    const envName = Object.entries(ENV).find(([, k]) => k === key)?.[0];
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return envName ? ` (${flag}, env ${envName})` : ` (${flag})`;
  };
  const result = agentConfigSchema.safeParse(merged);
  const problems = result.success
    ? []
    : result.error.issues.map((i) =>
        i.code === 'unrecognized_keys'
          ? `${configFile ?? 'configuration'}: unknown setting${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`
          : `${String(i.path[0])}${where(String(i.path[0]))}: ${i.message}`,
      );
  for (const key of ['data', 'tokenFile', 'ca', 'cert', 'key'] as const) {
    const file = merged[key];
    if (typeof file === 'string' && file && !isReadable(file))
      problems.push(`${key}${where(key)}: ${file} cannot be read`);
  }
  if (Boolean(merged.cert) !== Boolean(merged.key))
    problems.push('cert and key go together (a client certificate needs its private key)');
  if (elsewhere && merged.insecure !== true)
    problems.push(
      `${elsewhere}: plaintext is only ever turned on by --insecure on the command line; remove it, or pass the flag`,
    );
  if (merged.insecure === true && (merged.ca || merged.cert))
    problems.push('insecure contradicts ca/cert: plaintext connections use no certificates');
  if (problems.length) throw new AgentConfigError(problems);
  return result.data!;
}
