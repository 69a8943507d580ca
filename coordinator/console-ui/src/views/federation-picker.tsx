import type { ComponentChildren } from 'preact';
import type { FederationView } from '../types';
import { Show, useGet } from '../ui';

/** Picks the federation a view is about (the first one unless the address names another). */
export function WithFederation({
  view,
  federationId,
  children,
}: {
  view: string;
  federationId?: string;
  children: (f: FederationView, all: FederationView[]) => ComponentChildren;
}) {
  const list = useGet<FederationView[]>('/v1/federations');
  return (
    <Show of={list}>
      {(all) => {
        if (!all.length)
          return (
            <p>
              No federation yet (create one: <code>syndicate federation create</code>).
            </p>
          );
        const f = all.find((x) => x.id === federationId) ?? all[0];
        return (
          <>
            {all.length > 1 && (
              <label class="picker">
                Federation{' '}
                <select
                  value={f.id}
                  onChange={(e) => (location.hash = `#/${view}/${(e.target as HTMLSelectElement).value}`)}
                >
                  {all.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {children(f, all)}
          </>
        );
      }}
    </Show>
  );
}
