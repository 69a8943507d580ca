import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { relative, when } from '../format';
import type { ParticipantView, RoundEvent, RoundView } from '../types';
import { ErrorBox, Show, Status, useGet } from '../ui';
import { WithFederation } from './federation-picker';

const PHASES: RoundView['state'][] = ['open', 'counting', 'collecting', 'aggregating', 'published'];
const PHASE_TEXT: Record<string, string> = {
  open: 'members are told; secure rounds deal or confirm the key epoch',
  counting: 'members send their encrypted sample counts',
  collecting: 'members train and upload encrypted updates',
  aggregating: 'the encrypted sum is decrypted by the members and published',
  published: 'the new global model is published',
  failed: 'the round failed',
};

export function LiveRound({ federationId }: { federationId?: string }) {
  return (
    <>
      <h1>Live round</h1>
      <WithFederation view="live" federationId={federationId}>
        {(f) => <RoundStream key={f.id} federationId={f.id} />}
      </WithFederation>
    </>
  );
}

/** Follows the round through the server's event stream: no reload, no polling from the page. */
function RoundStream({ federationId }: { federationId: string }) {
  const [event, setEvent] = useState<RoundEvent | null>(null);
  const [connected, setConnected] = useState(false);
  const [now, setNow] = useState(Date.now());
  const members = useGet<ParticipantView[]>(`/v1/federations/${federationId}/participants`);
  useEffect(() => {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      source = new EventSource(`/v1/console/federations/${encodeURIComponent(federationId)}/round-events`);
      source.addEventListener('round', (e) => setEvent(JSON.parse((e as MessageEvent<string>).data) as RoundEvent));
      source.onopen = () => setConnected(true);
      source.onerror = () => {
        setConnected(false);
        // The browser retries a dropped stream by itself, but gives up on an HTTP error: ask the API why
        // (a 401 signs the console out with its reason) and try again a little later.
        if (source?.readyState === EventSource.CLOSED) {
          void api('GET', `/v1/federations/${encodeURIComponent(federationId)}`).catch(() => undefined);
          retry = setTimeout(connect, 5000);
        }
      };
    };
    connect();
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      source?.close();
      clearTimeout(retry);
      clearInterval(clock);
    };
  }, [federationId]);

  const r = event?.round;
  return (
    <section aria-labelledby="round-title">
      <p class="muted" role="status">
        {connected ? 'Live: updates arrive as they happen.' : 'Connecting to the live stream…'}
      </p>
      {!event ? null : !r ? (
        <p>No round yet in this federation.</p>
      ) : (
        <div aria-live="polite">
          <h2 id="round-title">
            Round {r.number} <Status value={r.pausedAt ? 'paused' : r.state} /> <span class="muted">({r.mode})</span>
          </h2>
          <ol class="phases" aria-label="Phases">
            {PHASES.map((p) => {
              const at = r.state === 'failed' ? -1 : PHASES.indexOf(r.state);
              const i = PHASES.indexOf(p);
              const state = i < at ? 'done' : i === at ? 'current' : 'todo';
              return (
                <li key={p} class={state} aria-current={state === 'current' ? 'step' : undefined}>
                  <span class="phase-name">{p}</span>
                  <span class="phase-text">{PHASE_TEXT[p]}</span>
                </li>
              );
            })}
          </ol>
          {r.state === 'failed' && (
            <ErrorBox error={{ message: `round failed (${r.failureCode ?? 'unknown'}): ${r.failureReason ?? ''}` }} />
          )}
          {r.pausedAt && <p class="notice">Paused since {when(r.pausedAt)}: the deadline moves by the pause.</p>}
          <dl class="facts">
            <dt>Contributions</dt>
            <dd data-testid="contributions">
              <Show of={members}>
                {(ms) => (
                  <>
                    <strong>{r.contributors.length}</strong> received of{' '}
                    {ms.filter((m) => m.status === 'active').length} members (quorum {r.minParticipants})
                  </>
                )}
              </Show>
              <progress
                aria-label="contributions towards the quorum"
                max={Math.max(1, r.minParticipants)}
                value={Math.min(r.contributors.length, r.minParticipants)}
              >
                {r.contributors.length}
              </progress>
            </dd>
            <dt>Deadline</dt>
            <dd>
              {when(r.deadlineAt)} ({relative(r.deadlineAt, now)})
            </dd>
            <dt>Opened</dt>
            <dd>{when(r.openedAt)}</dd>
            {r.closedAt && (
              <>
                <dt>Closed</dt>
                <dd>{when(r.closedAt)}</dd>
              </>
            )}
            {r.resultModelVersionId && (
              <>
                <dt>Model</dt>
                <dd>
                  <a href={`#/models/${federationId}/${r.resultModelVersionId}`}>{r.resultModelVersionId}</a>
                </dd>
              </>
            )}
          </dl>
          {r.contributors.length > 0 && (
            <table>
              <caption>Accepted updates</caption>
              <thead>
                <tr>
                  <th scope="col">Bank</th>
                  <th scope="col">Accepted</th>
                  <th scope="col">Update hash</th>
                </tr>
              </thead>
              <tbody>
                {r.contributors.map((c) => (
                  <tr key={c.participantId}>
                    <td>{c.displayName}</td>
                    <td>{when(c.acceptedAt)}</td>
                    <td>
                      <code>{c.payloadSha256.slice(0, 16)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
