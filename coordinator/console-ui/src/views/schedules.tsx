import { api } from '../api';
import { inZone, when } from '../format';
import type { ConsoleCapability, ScheduleView } from '../types';
import { ErrorBox, Show, Status, useAction, useGet } from '../ui';
import { WithFederation } from './federation-picker';

export function Schedules({ federationId, can }: { federationId?: string; can: (c: ConsoleCapability) => boolean }) {
  return (
    <>
      <h1>Schedules</h1>
      <WithFederation view="schedules" federationId={federationId}>
        {(f) => <ScheduleList key={f.id} federationId={f.id} can={can} />}
      </WithFederation>
    </>
  );
}

function ScheduleList({ federationId, can }: { federationId: string; can: (c: ConsoleCapability) => boolean }) {
  const list = useGet<ScheduleView[]>(`/v1/federations/${federationId}/schedules`);
  const action = useAction();
  const control = (s: ScheduleView, verb: 'pause' | 'resume' | 'cancel') =>
    action.run(() => api('POST', `/v1/schedules/${s.id}/${verb}`)).then((ok) => ok && list.reload());
  return (
    <>
      <ErrorBox error={action.error} />
      <Show of={list}>
        {(ss) =>
          ss.length ? (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Schedules</caption>
                <thead>
                  <tr>
                    <th scope="col">Schedule</th>
                    <th scope="col">Status</th>
                    <th scope="col">Windows</th>
                    <th scope="col">Next window (yours / schedule's)</th>
                    <th scope="col">Rounds</th>
                    {can('schedules.control') && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {ss.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <code>{s.id}</code>
                      </td>
                      <td>
                        <Status value={s.status} />
                        {s.statusReason && <div class="muted">{s.statusReason}</div>}
                      </td>
                      <td>
                        <code>{s.cron}</code> for {s.windowMinutes} min ({s.timeZone})
                      </td>
                      <td>
                        {when(s.currentWindow?.start ?? s.nextWindowStart)}
                        <div class="muted">{inZone(s.currentWindow?.start ?? s.nextWindowStart, s.timeZone)}</div>
                      </td>
                      <td>
                        {s.roundsPublished} / {s.rounds} published
                        {s.roundsFailed > 0 && <div class="muted">{s.roundsFailed} failed</div>}
                      </td>
                      {can('schedules.control') && (
                        <td class="actions">
                          {s.status === 'active' && (
                            <button type="button" disabled={action.busy} onClick={() => control(s, 'pause')}>
                              Pause
                            </button>
                          )}
                          {s.status === 'paused' && (
                            <button type="button" disabled={action.busy} onClick={() => control(s, 'resume')}>
                              Resume
                            </button>
                          )}
                          {(s.status === 'active' || s.status === 'paused') && (
                            <button
                              type="button"
                              class="danger"
                              disabled={action.busy}
                              onClick={() =>
                                confirm(`Cancel schedule ${s.id}? This cannot be undone.`) && control(s, 'cancel')
                              }
                            >
                              Cancel
                            </button>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="muted">No schedule.</p>
          )
        }
      </Show>
      {can('schedules.create') && <CreateSchedule federationId={federationId} onCreated={list.reload} />}
    </>
  );
}

function CreateSchedule({ federationId, onCreated }: { federationId: string; onCreated: () => void }) {
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
    const body = {
      cron: v('cron'),
      timeZone: v('timeZone'),
      windowMinutes: Number(v('windowMinutes')),
      rounds: Number(v('rounds')),
      ...(v('minParticipants') ? { minParticipants: Number(v('minParticipants')) } : {}),
    };
    if (await action.run(() => api('POST', `/v1/federations/${federationId}/schedules`, body))) {
      form.reset();
      onCreated();
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="new-schedule">
      <h2 id="new-schedule">New schedule</h2>
      <div class="fields">
        <label>
          Cron (window starts)
          <input name="cron" required placeholder="0 1 * * *" defaultValue="0 1 * * *" />
        </label>
        <label>
          Time zone
          <input name="timeZone" required defaultValue={Intl.DateTimeFormat().resolvedOptions().timeZone} />
        </label>
        <label>
          Window (minutes)
          <input name="windowMinutes" type="number" min={1} required defaultValue="240" />
        </label>
        <label>
          Rounds
          <input name="rounds" type="number" min={1} required defaultValue="20" />
        </label>
        <label>
          Quorum (optional)
          <input name="minParticipants" type="number" min={1} />
        </label>
      </div>
      <button type="submit" disabled={action.busy}>
        Create schedule
      </button>
      <ErrorBox error={action.error} />
    </form>
  );
}
