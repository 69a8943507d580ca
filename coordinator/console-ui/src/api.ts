import { reasonMeaning } from '@syndicate/protocol/dist/reasons/reason-codes';

/** An API refusal as the console shows it: the reason code, what the server said, and what the code means. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    readonly problems: string[] = [],
  ) {
    super(detail);
  }

  /** The meaning of the reason code, from the protocol's list every client branches on. */
  get hint(): string | undefined {
    return reasonMeaning(this.reason);
  }
}

// In memory only: a reload asks the server again (GET /v1/console/session); never in browser storage.
let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null): void => {
  csrfToken = t;
};

/** Called when the session ended under the console (signed out elsewhere, token revoked, expired). */
let onSignedOut: (e: ApiError) => void = () => undefined;
export const whenSignedOut = (f: (e: ApiError) => void): void => {
  onSignedOut = f;
};

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'UNREACHABLE', `the coordinator did not answer (${(err as Error).message})`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const p = (json ?? {}) as { reason?: string; detail?: string; problems?: string[] };
    const e = new ApiError(res.status, p.reason ?? `HTTP_${res.status}`, p.detail ?? res.statusText, p.problems);
    if (res.status === 401 && path !== '/v1/console/session') onSignedOut(e);
    throw e;
  }
  return json as T;
}
