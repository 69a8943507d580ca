import { useState } from 'preact/hooks';
import { api } from '../api';
import { when } from '../format';
import type { ConsoleCapability, IssuedToken, Role, TokenView } from '../types';
import { ErrorBox, Show, Status, useAction, useGet } from '../ui';

const ROLES: Role[] = ['admin', 'data-scientist', 'auditor', 'viewer'];

export function Tokens({ can }: { can: (c: ConsoleCapability) => boolean }) {
  const list = useGet<TokenView[]>('/v1/tokens');
  const action = useAction();
  const revoke = (t: TokenView) =>
    confirm(`Revoke token ${t.name}? Every script and console session using it stops at once.`) &&
    action.run(() => api('POST', `/v1/tokens/${t.id}/revoke`)).then((ok) => ok && list.reload());
  return (
    <>
      <h1>API tokens</h1>
      <ErrorBox error={action.error} />
      <Show of={list}>
        {(ts) => (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">API tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  {can('tokens.revoke') && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {ts.map((t) => (
                  <tr key={t.id}>
                    <td>
                      {t.name} <code class="muted">{t.id}</code>
                    </td>
                    <td>{t.roles.join(', ')}</td>
                    <td>{when(t.createdAt)}</td>
                    <td>{t.expiresAt ? when(t.expiresAt) : 'never'}</td>
                    <td>{when(t.lastUsedAt)}</td>
                    <td>
                      <Status
                        value={t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt < Date.now() ? 'expired' : 'active'}
                      />
                    </td>
                    {can('tokens.revoke') && (
                      <td>
                        {!t.revokedAt && (
                          <button type="button" class="danger" disabled={action.busy} onClick={() => revoke(t)}>
                            Revoke {t.name}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
      {can('tokens.create') && <CreateToken onCreated={list.reload} />}
    </>
  );
}

function CreateToken({ onCreated }: { onCreated: () => void }) {
  const action = useAction();
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const name = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    const days = Number((form.elements.namedItem('days') as HTMLInputElement).value);
    const roles = ROLES.filter((r) => (form.elements.namedItem(`role-${r}`) as HTMLInputElement).checked);
    await action.run(async () => {
      setIssued(
        await api<IssuedToken>('POST', '/v1/tokens', {
          name,
          roles,
          ...(days ? { ttlSeconds: Math.round(days * 86400) } : {}),
        }),
      );
      form.reset();
      onCreated();
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="new-token">
      <h2 id="new-token">New token</h2>
      <div class="fields">
        <label>
          Name
          <input name="name" required maxLength={128} />
        </label>
        <label>
          Expires after (days, empty: never)
          <input name="days" type="number" min={1} />
        </label>
        <fieldset>
          <legend>Roles</legend>
          {ROLES.map((r) => (
            <label key={r} class="inline">
              <input type="checkbox" name={`role-${r}`} /> {r}
            </label>
          ))}
        </fieldset>
      </div>
      <button type="submit" disabled={action.busy}>
        Create token
      </button>
      <ErrorBox error={action.error} />
      {issued && (
        <div class="notice" role="status">
          <p>
            Token <strong>{issued.name}</strong> ({issued.roles.join(', ')}). It is shown once: copy it now.
          </p>
          <pre tabIndex={0}>
            <code>{issued.token}</code>
          </pre>
        </div>
      )}
    </form>
  );
}
