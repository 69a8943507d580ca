import { useState } from 'preact/hooks';
import { api } from '../api';
import { when } from '../format';
import type { AuditEntry, AuditVerdict, ConsoleCapability, FederationView } from '../types';
import { ErrorBox, Show, useAction, useGet } from '../ui';

const PAGE = 200;

export function Audit({ can }: { can: (c: ConsoleCapability) => boolean }) {
  const feds = useGet<FederationView[]>('/v1/federations');
  const [federationId, setFederationId] = useState('');
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [after, setAfter] = useState(0);
  const query = new URLSearchParams({ limit: String(PAGE), ...(after ? { after: String(after) } : {}) });
  if (federationId) query.set('federationId', federationId);
  const log = useGet<AuditEntry[]>(`/v1/audit?${query}`);
  const verify = useAction();
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  return (
    <>
      <h1>Audit log</h1>
      {can('audit.verify') && (
        <section class="panel" aria-labelledby="verify-title">
          <h2 id="verify-title">Verify the hash chain</h2>
          <button
            type="button"
            disabled={verify.busy}
            onClick={() => verify.run(async () => setVerdict(await api<AuditVerdict>('GET', '/v1/audit/verify')))}
          >
            Verify now
          </button>
          <div role="status" aria-live="polite">
            {verdict?.ok === true && (
              <p class="ok">The chain is intact: {verdict.entries} entries, each hashed over the one before.</p>
            )}
            {verdict?.ok === false && (
              <p class="bad">
                Broken at entry {verdict.seq}: {verdict.problem}
              </p>
            )}
          </div>
          <ErrorBox error={verify.error} />
        </section>
      )}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Federation
          <select
            value={federationId}
            onChange={(e) => {
              setFederationId((e.target as HTMLSelectElement).value);
              setAfter(0);
            }}
          >
            <option value="">all</option>
            {(feds.data ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Action contains
          <input value={action} onInput={(e) => setAction((e.target as HTMLInputElement).value)} placeholder="round." />
        </label>
        <label>
          Actor contains
          <input value={actor} onInput={(e) => setActor((e.target as HTMLInputElement).value)} placeholder="tok_" />
        </label>
      </form>
      <Show of={log}>
        {(entries) => {
          const shown = entries.filter((e) => e.action.includes(action) && e.actor.includes(actor));
          return (
            <>
              <div class="table-wrap">
                <table class="audit">
                  <caption>
                    Entries {entries[0]?.seq ?? '—'} to {entries[entries.length - 1]?.seq ?? '—'} ({shown.length} shown)
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">When</th>
                      <th scope="col">Actor</th>
                      <th scope="col">Action</th>
                      <th scope="col">Subject</th>
                      <th scope="col">Detail</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((e) => (
                      <tr key={e.seq}>
                        <td>{e.seq}</td>
                        <td>{when(e.at)}</td>
                        <td>
                          <code>{e.actor}</code>
                        </td>
                        <td>{e.action}</td>
                        <td>
                          <code>{e.subject ?? ''}</code>
                        </td>
                        <td class="detail">
                          <code>{e.detail === '{}' ? '' : e.detail}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div class="pager">
                <button type="button" disabled={after === 0} onClick={() => setAfter(0)}>
                  First page
                </button>
                <button
                  type="button"
                  disabled={entries.length < PAGE}
                  onClick={() => setAfter(entries[entries.length - 1].seq)}
                >
                  Next page
                </button>
              </div>
            </>
          );
        }}
      </Show>
      <ErrorBox error={feds.error} />
    </>
  );
}
