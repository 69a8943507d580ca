import * as fs from 'fs';
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import ms from 'ms';
import { isReasonCode, type ReasonCode } from '@syndicate/protocol';
import { AdminApiError } from '../client/admin-api-error';
import { AdminClient } from '../client/admin-client';

/** Exit codes a script can rely on (documented in `syndicate --help`). */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  ACCESS: 3,
  INTEGRITY: 4,
  NOT_FOUND: 5,
  CONFLICT: 6,
  UNREACHABLE: 7,
} as const;

export interface ApiOptions {
  url: string;
  token?: string;
  tokenFile?: string;
  ca?: string;
  json?: boolean;
}

/** Adds the options every command that talks to a running coordinator shares. */
export function apiCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(
      // https: `serve` refuses plaintext, and the development certificate names localhost.
      new Option('--url <url>', 'coordinator REST address').env('SYNDICATE_URL').default('https://localhost:8080'),
    )
    .addOption(
      new Option('--token <token>', 'API token (prefer SYNDICATE_TOKEN or --token-file: flags show up in ps)').env(
        'SYNDICATE_TOKEN',
      ),
    )
    .addOption(
      new Option('--token-file <file>', 'read the API token from this file (syndicate init --write-token)').env(
        'SYNDICATE_TOKEN_FILE',
      ),
    )
    .addOption(new Option('--ca <file.pem>', 'CA certificate to trust for an https:// coordinator').env('SYNDICATE_CA'))
    .option('--json', 'machine-readable output');
}

export function clientFrom(o: ApiOptions): AdminClient {
  let token = o.token;
  if (!token && o.tokenFile) {
    try {
      token = fs.readFileSync(o.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new CliError(
        EXIT.USAGE,
        `--token-file ${o.tokenFile}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
  }
  if (!token)
    throw new CliError(
      EXIT.ACCESS,
      'no API token: pass --token-file FILE or set SYNDICATE_TOKEN (the first admin token comes from `syndicate init`)',
    );
  let ca: Buffer | undefined;
  if (o.ca) {
    try {
      ca = fs.readFileSync(o.ca);
    } catch (err) {
      throw new CliError(
        EXIT.USAGE,
        `--ca ${o.ca}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
  }
  return new AdminClient(o.url.replace(/\/+$/, ''), { token, ca });
}

/** An error with the exit code that says what kind of failure it was. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const HINTS: Partial<Record<ReasonCode, string>> = {
  MISSING_TOKEN: 'pass --token-file FILE or set SYNDICATE_TOKEN',
  UNKNOWN_TOKEN: 'the token is not known to this coordinator: check --url, or ask an admin for a token',
  ROLE_NOT_ALLOWED: 'ask an admin for a token with the needed role: syndicate token create --name NAME --roles ROLE',
};

/** Maps an API failure to an exit code and a message that says how to fix it. */
export function cliErrorOf(err: unknown): CliError | null {
  if (err instanceof CliError) return err;
  if (!(err instanceof AdminApiError)) return null;
  const code =
    err.status === 0
      ? EXIT.UNREACHABLE
      : err.status === 401 || err.status === 403
        ? EXIT.ACCESS
        : err.status === 404
          ? EXIT.NOT_FOUND
          : err.status === 409 || err.status === 412
            ? EXIT.CONFLICT
            : err.status === 400
              ? EXIT.USAGE
              : EXIT.ERROR;
  const tlsTrouble = err.status === 0 && /CERT|SSL|TLS|SELF_SIGNED|VERIFY|EPROTO/i.test(err.reason);
  // Plain HTTP spoken to the HTTPS port: the server hangs up without an answer.
  const plainToTls =
    err.status === 0 &&
    /at http:\/\//.test(err.message) &&
    /UND_ERR_SOCKET|ECONNRESET|other side closed|socket hang up/i.test(`${err.reason} ${err.message}`);
  const hint =
    (isReasonCode(err.reason) ? HINTS[err.reason] : undefined) ??
    (plainToTls
      ? 'the coordinator serves HTTPS: use an https:// address in --url (env SYNDICATE_URL), with --ca for its CA'
      : undefined) ??
    (tlsTrouble
      ? "the coordinator's TLS certificate is not trusted: pass --ca with the consortium's CA (env SYNDICATE_CA), or check the host name in --url"
      : err.status === 0
        ? 'is the coordinator running? check --url (env SYNDICATE_URL)'
        : '');
  return new CliError(code, `${err.message} [${err.reason}]${hint ? `\n  hint: ${hint}` : ''}`);
}

/** Prints a result: JSON for scripts, a table for people. */
export function output<T>(o: { json?: boolean }, value: T, human: (v: T) => string): void {
  process.stdout.write(o.json ? `${JSON.stringify(value, null, 2)}\n` : `${human(value)}\n`);
}

export function table(head: string[], rows: (string | number | null | undefined)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map((c) => (c === null || c === undefined ? '—' : String(c))));
  return t.toString();
}

export const when = (ms?: number | null): string => (ms ? new Date(ms).toISOString().replace('.000Z', 'Z') : '—');

/** "7d", "12h", "90m", "3600" (seconds) → seconds. */
export function parseDurationSeconds(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) * 1000 : (ms(value as ms.StringValue) as number | undefined);
  if (n === undefined || !Number.isFinite(n) || n <= 0)
    throw new CliError(EXIT.USAGE, `"${value}" is not a duration (examples: 90s, 30m, 12h, 7d)`);
  return Math.round(n / 1000);
}

export function parsePositiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new CliError(EXIT.USAGE, `${name} must be a positive whole number, got "${value}"`);
    return n;
  };
}
