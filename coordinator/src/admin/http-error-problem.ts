import type { ReasonCode } from '@syndicate/protocol';
/** An error express's body parser (http-errors) raised before any controller ran. */
interface ClientHttpError {
  status: number;
  type?: string;
  limit?: number;
  expose: true;
}

function isClientHttpError(e: unknown): e is ClientHttpError {
  if (!e || typeof e !== 'object') return false;
  const x = e as Partial<ClientHttpError>;
  return x.expose === true && typeof x.status === 'number' && x.status >= 400 && x.status < 500;
}

/**
 * The status and problem text for a request the body parser refused (too large, not JSON, wrong charset),
 * or null for any other error. Those are the client's mistakes: 4xx, not 500.
 */
export function bodyParserProblem(e: unknown): { status: number; reason: ReasonCode; detail: string } | null {
  if (!isClientHttpError(e)) return null;
  if (e.status === 413)
    return {
      status: 413,
      reason: 'BODY_TOO_LARGE',
      detail: `request body is larger than the ${e.limit ? `${e.limit}-byte` : 'configured'} limit; send a smaller body`,
    };
  if (e.type === 'entity.parse.failed')
    return { status: 400, reason: 'BODY_NOT_JSON', detail: 'request body is not valid JSON' };
  return { status: e.status, reason: `HTTP_${e.status}`, detail: (e as unknown as Error).message ?? 'bad request' };
}
