import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api';

/** An API error with its reason, what the server said and what the code means; never a stack trace. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e =
    error instanceof ApiError ? error : new ApiError(0, 'CONSOLE_ERROR', String((error as Error)?.message ?? error));
  return (
    <div class="error" role="alert">
      <strong>{e.detail}</strong>
      {e.problems.length > 0 && (
        <ul>
          {e.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div class="reason">
        <code>{e.reason}</code>
        {e.hint && <span> — {e.hint}</span>}
      </div>
    </div>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** GETs a path (again whenever it changes, or on reload()); null skips the call. */
export function useGet<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api<T>('GET', path).then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    reload: useCallback(() => setTick((t) => t + 1), []),
  };
}

/** Renders the data, or the loading line, or the error. */
export function Show<T>({ of, children }: { of: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (of.error) return <ErrorBox error={of.error} />;
  if (of.data === undefined)
    return (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    );
  return <>{children(of.data)}</>;
}

/** A button that runs an API action, shows its error under it and disables itself while it runs. */
export function useAction(): {
  run: (f: () => Promise<unknown>) => Promise<boolean>;
  busy: boolean;
  error: unknown;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error };
}

export function Status({ value }: { value: string }) {
  return <span class={`status status-${value.replace(/[^a-z-]/gi, '')}`}>{value}</span>;
}
