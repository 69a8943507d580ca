import { useState } from 'preact/hooks';
import { api } from '../api';
import { relative, when } from '../format';
import type { AgentConnection, ConsoleCapability, Invitation, ParticipantView, PendingInvitation } from '../types';
import { ErrorBox, Show, Status, useAction, useGet } from '../ui';
import { enrollCommand } from '../../../src/participants/enroll-command';
import { WithFederation } from './federation-picker';

export function Members({ federationId, can }: { federationId?: string; can: (c: ConsoleCapability) => boolean }) {
  return (
    <>
      <h1>Members and invitations</h1>
      <WithFederation view="members" federationId={federationId}>
        {(f) => <MemberList key={f.id} federationId={f.id} can={can} />}
      </WithFederation>
    </>
  );
}

function MemberList({ federationId, can }: { federationId: string; can: (c: ConsoleCapability) => boolean }) {
  const members = useGet<ParticipantView[]>(`/v1/federations/${federationId}/participants`);
  const pending = useGet<PendingInvitation[]>(
    can('members.invitations') ? `/v1/federations/${federationId}/invitations` : null,
  );
  const action = useAction();
  const revoke = (m: ParticipantView) =>
    confirm(`Revoke ${m.displayName}? It is cut off at its next message and the next round deals a new key epoch.`) &&
    action
      .run(() => api('POST', `/v1/federations/${federationId}/participants/${m.id}/revoke`))
      .then((ok) => ok && members.reload());
  return (
    <>
      <ErrorBox error={action.error} />
      <Show of={members}>
        {(ms) => (
          <table>
            <caption>Members</caption>
            <thead>
              <tr>
                <th scope="col">Bank</th>
                <th scope="col">Status</th>
                <th scope="col">Enrolled</th>
                <th scope="col">Last seen</th>
                {can('members.revoke') && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {ms.map((m) => (
                <tr key={m.id}>
                  <td>
                    {m.displayName} <code class="muted">{m.id}</code>
                  </td>
                  <td>
                    <Status value={m.status} />{' '}
                    {m.status === 'active' && <Status value={m.connected ? 'online' : 'offline'} />}
                  </td>
                  <td>{when(m.enrolledAt)}</td>
                  <td title={when(m.lastSeenAt)}>{relative(m.lastSeenAt)}</td>
                  {can('members.revoke') && (
                    <td>
                      {m.status === 'active' && (
                        <button type="button" class="danger" disabled={action.busy} onClick={() => revoke(m)}>
                          Revoke {m.displayName}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
      {can('members.invitations') && (
        <Show of={pending}>
          {(ps) => (
            <table>
              <caption>Invitations not used yet</caption>
              <thead>
                <tr>
                  <th scope="col">Bank</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Token hash prefix</th>
                </tr>
              </thead>
              <tbody>
                {ps.length === 0 && (
                  <tr>
                    <td colSpan={3} class="muted">
                      none
                    </td>
                  </tr>
                )}
                {ps.map((p) => (
                  <tr key={p.tokenSha256Prefix}>
                    <td>{p.displayName}</td>
                    <td>{when(p.expiresAt)}</td>
                    <td>
                      <code>{p.tokenSha256Prefix}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Show>
      )}
      {can('members.invite') && <Invite federationId={federationId} onInvited={pending.reload} />}
    </>
  );
}

function Invite({ federationId, onInvited }: { federationId: string; onInvited: () => void }) {
  const action = useAction();
  const [issued, setIssued] = useState<(Invitation & { agent: AgentConnection }) | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const name = (form.elements.namedItem('displayName') as HTMLInputElement).value.trim();
    const days = Number((form.elements.namedItem('days') as HTMLInputElement).value);
    await action.run(async () => {
      setIssued(
        await api<Invitation & { agent: AgentConnection }>('POST', `/v1/federations/${federationId}/invitations`, {
          displayName: name,
          ttlSeconds: Math.round(days * 86400),
        }),
      );
      form.reset();
      onInvited();
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="invite-title">
      <h2 id="invite-title">Invite a bank</h2>
      <div class="fields">
        <label>
          Bank name
          <input name="displayName" required pattern="[A-Za-z0-9][A-Za-z0-9 _.\-]*" />
        </label>
        <label>
          Valid for (days)
          <input name="days" type="number" min={1} max={90} defaultValue="7" required />
        </label>
      </div>
      <button type="submit" disabled={action.busy}>
        Create invitation
      </button>
      <ErrorBox error={action.error} />
      {issued && (
        <div class="notice" role="status">
          <p>
            Invitation for <strong>{issued.displayName}</strong>, valid until {when(issued.expiresAt)}. The token is
            shown once and works once; hand the bank this command (or a startup kit:{' '}
            <code>
              syndicate participant kit --federation {federationId} --name {issued.displayName} --out DIR
            </code>
            ):
          </p>
          <pre tabIndex={0}>
            <code>{enrollCommand(issued.agent, federationId, issued.displayName, issued.token)}</code>
          </pre>
        </div>
      )}
    </form>
  );
}
