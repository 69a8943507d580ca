import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, whenSignedOut, type ApiError } from './api';
import type { ConsoleCapability, ConsoleSessionView } from './types';
import { ErrorBox } from './ui';
import { SignIn } from './views/sign-in';
import { Overview } from './views/overview';
import { LiveRound } from './views/live-round';
import { Schedules } from './views/schedules';
import { Members } from './views/members';
import { Models } from './views/models';
import { Audit } from './views/audit';
import { Tokens } from './views/tokens';
import { viewerZone } from './format';

interface Route {
  view: string;
  args: string[];
}

const readRoute = (): Route => {
  const [view, ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { view: view || 'overview', args };
};

/** Navigation entries, each shown when the session holds its capability (the REST API's RBAC decides). */
const NAV: { view: string; label: string; needs: ConsoleCapability }[] = [
  { view: 'overview', label: 'Overview', needs: 'overview' },
  { view: 'live', label: 'Live round', needs: 'liveRound' },
  { view: 'schedules', label: 'Schedules', needs: 'schedules' },
  { view: 'members', label: 'Members', needs: 'members' },
  { view: 'models', label: 'Models', needs: 'models' },
  { view: 'audit', label: 'Audit', needs: 'audit' },
  { view: 'tokens', label: 'Tokens', needs: 'tokens' },
];

function App() {
  const [session, setSession] = useState<ConsoleSessionView | null | undefined>(undefined);
  const [ended, setEnded] = useState<ApiError | null>(null);
  const [route, setRoute] = useState(readRoute());

  useEffect(() => {
    const onHash = () => setRoute(readRoute());
    addEventListener('hashchange', onHash);
    whenSignedOut((e) => {
      setCsrfToken(null);
      setEnded(e);
      setSession(null);
    });
    api<ConsoleSessionView>('GET', '/v1/console/session').then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      },
      () => setSession(null),
    );
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const entry = NAV.find((n) => n.view === route.view);
    document.title = `${entry?.label ?? 'Console'} · Syndicate`;
    // A keyboard or screen-reader user lands on the new view, not on the link that led there.
    if (session) document.getElementById('main')?.focus({ preventScroll: true });
  }, [route.view]);

  if (session === undefined)
    return (
      <main id="main" aria-busy="true">
        <p class="muted">Loading…</p>
      </main>
    );
  if (session === null)
    return (
      <SignIn
        ended={ended}
        onSignedIn={(s) => {
          setCsrfToken(s.csrfToken);
          setEnded(null);
          setSession(s);
        }}
      />
    );

  const can = (c: ConsoleCapability) => session.capabilities.includes(c);
  const nav = NAV.filter((n) => can(n.needs));
  const allowed = nav.some((n) => n.view === route.view);
  const signOut = async () => {
    try {
      await api('DELETE', '/v1/console/session');
    } finally {
      setCsrfToken(null);
      setSession(null);
    }
  };

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Syndicate</span>
        <nav aria-label="Views">
          <ul>
            {nav.map((n) => (
              <li key={n.view}>
                <a href={`#/${n.view}`} aria-current={route.view === n.view ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={`token ${session.tokenId}; times in ${viewerZone}`}>
            {session.name} <span class="muted">({session.roles.join(', ')})</span>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {allowed ? (
          <View route={route} can={can} />
        ) : (
          <ErrorBox
            error={{
              message: `your roles (${session.roles.join(', ')}) do not open the "${route.view}" view; pick one from the menu`,
            }}
          />
        )}
      </main>
    </>
  );
}

function View({ route, can }: { route: Route; can: (c: ConsoleCapability) => boolean }) {
  const [a, b] = route.args;
  switch (route.view) {
    case 'overview':
      return <Overview can={can} />;
    case 'live':
      return <LiveRound federationId={a} />;
    case 'schedules':
      return <Schedules federationId={a} can={can} />;
    case 'members':
      return <Members federationId={a} can={can} />;
    case 'models':
      return <Models federationId={a} modelId={b} can={can} />;
    case 'audit':
      return <Audit can={can} />;
    case 'tokens':
      return <Tokens can={can} />;
    default:
      return null;
  }
}

render(<App />, document.getElementById('app')!);
