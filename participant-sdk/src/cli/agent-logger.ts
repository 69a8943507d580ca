import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

/** Pure: readable lines for a person at a terminal, JSON for log shippers; SYNDICATE_LOG_FORMAT decides when set. */
export function logFormat(env: NodeJS.ProcessEnv, stderrIsTty: boolean): LogFormat {
  const asked = env.SYNDICATE_LOG_FORMAT?.toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return stderrIsTty ? 'pretty' : 'json';
}

/** Logs on stderr; stdout stays free for command output. */
export function agentLogger(
  level = process.env.SYNDICATE_LOG_LEVEL ?? 'info',
  format = logFormat(process.env, Boolean(process.stderr.isTTY)),
): Logger {
  const options = { level, base: { service: 'syndicate-agent' } };
  return format === 'pretty'
    ? pino(
        options,
        pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' }),
      )
    : pino(options, pino.destination(2));
}
