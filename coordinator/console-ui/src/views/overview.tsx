import { inZone, relative, when } from '../format';
import type { ConsoleCapability, FederationView, ParticipantView, RoundView, ScheduleView } from '../types';
import { Show, Status, useGet } from '../ui';

/** At a glance: per federation, which banks are online, the next scheduled window and the current round. */
export function Overview({ can }: { can: (c: ConsoleCapability) => boolean }) {
  const list = useGet<FederationView[]>('/v1/federations');
  return (
    <>
      <h1>Consortium overview</h1>
      <Show of={list}>
        {(all) =>
          all.length ? (
            all.map((f) => <FederationCard key={f.id} f={f} can={can} />)
          ) : (
            <p>
              No federation yet (create one: <code>syndicate federation create</code>).
            </p>
          )
        }
      </Show>
    </>
  );
}

function FederationCard({ f, can }: { f: FederationView; can: (c: ConsoleCapability) => boolean }) {
  const members = useGet<ParticipantView[]>(`/v1/federations/${f.id}/participants`);
  const schedules = useGet<ScheduleView[]>(`/v1/federations/${f.id}/schedules`);
  const rounds = useGet<RoundView[]>(`/v1/federations/${f.id}/rounds`);
  return (
    <section class="card" aria-labelledby={`fed-${f.id}`}>
      <h2 id={`fed-${f.id}`}>{f.name}</h2>
      <div class="grid3">
        <div>
          <h3>Members</h3>
          <Show of={members}>
            {(ms) => {
              const active = ms.filter((m) => m.status === 'active');
              return (
                <>
                  <p class="kpi">
                    <span class="value">
                      {active.filter((m) => m.connected).length} / {active.length}
                    </span>{' '}
                    online
                  </p>
                  <table>
                    <caption class="sr-only">Members of {f.name}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Bank</th>
                        <th scope="col">Connection</th>
                        <th scope="col">Last seen</th>
                      </tr>
                    </thead>
                    <tbody>
                      {ms.map((m) => (
                        <tr key={m.id}>
                          <td>{m.displayName}</td>
                          <td>
                            <Status value={m.status !== 'active' ? m.status : m.connected ? 'online' : 'offline'} />
                          </td>
                          <td title={when(m.lastSeenAt)}>{relative(m.lastSeenAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              );
            }}
          </Show>
        </div>
        <div>
          <h3>Next window</h3>
          <Show of={schedules}>
            {(ss) => {
              const next = ss
                .filter((s) => s.status === 'active' && s.nextWindowStart !== null)
                .sort((a, b) => a.nextWindowStart! - b.nextWindowStart!)[0];
              return next ? (
                <p>
                  {next.currentWindow ? 'Open now, until ' : ''}
                  <strong>{when(next.currentWindow?.end ?? next.nextWindowStart)}</strong>
                  <br />
                  <span class="muted">
                    schedule time: {inZone(next.currentWindow?.end ?? next.nextWindowStart, next.timeZone)} (
                    {next.timeZone}); {next.roundsPublished} of {next.rounds} rounds published
                  </span>
                </p>
              ) : (
                <p class="muted">
                  {ss.some((s) => s.status === 'paused') ? 'Schedule paused.' : 'No active schedule.'}
                </p>
              );
            }}
          </Show>
        </div>
        <div>
          <h3>Current round</h3>
          <Show of={rounds}>
            {(rs) => {
              const r = rs[rs.length - 1];
              return r ? (
                <p>
                  Round {r.number}: <Status value={r.pausedAt ? 'paused' : r.state} />
                  <br />
                  <span class="muted">
                    {r.contributors.length} contribution{r.contributors.length === 1 ? '' : 's'}, quorum{' '}
                    {r.minParticipants}; {r.closedAt ? `closed ${when(r.closedAt)}` : `deadline ${when(r.deadlineAt)}`}
                  </span>
                  {can('liveRound') && (
                    <>
                      <br />
                      <a href={`#/live/${f.id}`}>Watch live</a>
                    </>
                  )}
                </p>
              ) : (
                <p class="muted">No round yet.</p>
              );
            }}
          </Show>
        </div>
      </div>
    </section>
  );
}
