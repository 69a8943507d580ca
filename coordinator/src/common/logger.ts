import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Pure: readable lines at a terminal, JSON for log shippers; SYNDICATE_LOG_FORMAT (json|pretty) decides when set. */
export function logFormat(env: NodeJS.ProcessEnv, stderrIsTty: boolean): 'json' | 'pretty' {
  const asked = env.SYNDICATE_LOG_FORMAT?.toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return stderrIsTty ? 'pretty' : 'json';
}

/** Logs on stderr; stdout stays free for command output. */
export function createLogger(level: string, format = logFormat(process.env, Boolean(process.stderr.isTTY))): Logger {
  const options = { level, base: { service: 'syndicate-coordinator' } };
  return format === 'pretty'
    ? pino(
        options,
        pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' }),
      )
    : pino(options, pino.destination(2));
}

/** Nest's framework chatter at start-up (modules loaded, routes mapped): an operator needs none of it at info. */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Routes Nest's own log calls into pino. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    if (context && FRAMEWORK_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
