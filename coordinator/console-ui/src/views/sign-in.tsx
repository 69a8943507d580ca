import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import type { ConsoleSessionView } from '../types';
import { ErrorBox } from '../ui';

/** The API token is sent once and exchanged for a session cookie; it is not kept anywhere in the browser. */
export function SignIn({ ended, onSignedIn }: { ended: ApiError | null; onSignedIn: (s: ConsoleSessionView) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const input = form.elements.namedItem('token') as HTMLInputElement;
    setBusy(true);
    setError(null);
    try {
      const s = await api<ConsoleSessionView>('POST', '/v1/console/session', { token: input.value.trim() });
      input.value = '';
      onSignedIn(s);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>Syndicate console</h1>
      {ended && (
        <div class="notice" role="status">
          Your session ended ({ended.reason}): sign in again.
        </div>
      )}
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          placeholder="syn_api_…"
          aria-describedby="token-help"
        />
        <p id="token-help" class="muted">
          Made with <code>syndicate token create</code>. It is exchanged for a session that ends with the token, when
          you sign out, or after 12 hours; the token itself is not stored in this browser.
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}
