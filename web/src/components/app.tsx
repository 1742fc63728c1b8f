import { useState } from 'preact/hooks';
import type { HubConnection } from '../hub-connection.js';
import { canSendCommands } from '../hub-store.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';
import { route } from '../router.js';
import type { Route } from '../router.js';
import { logOut } from '../session.js';
import { ConnectionBanner } from './connection-banner.js';
import { Dashboard } from './dashboard.js';
import { LogPage } from './log-page.js';
import { NodePage } from './node-page.js';
import { PageHeader } from './page-header.js';
import { SettingsPage } from './settings-page.js';

export function App({ store, connection }: { store: HubStore; connection: HubConnection }) {
  const [loggedOut, setLoggedOut] = useState(false);
  const current = useObservable(route);

  if (loggedOut) {
    return (
      <main class="logged-out">
        <h1>Gatehouse</h1>
        <p role="status">You are logged out. Reload the page to sign in again.</p>
      </main>
    );
  }

  const handleLogOut = (): void => {
    connection.stop();
    void logOut().then(() => {
      setLoggedOut(true);
    });
  };

  return (
    <>
      <a class="skip-link" href="#content">
        Skip to content
      </a>
      <PageHeader store={store} route={current} onLogOut={handleLogOut} />
      <ConnectionBanner store={store} connection={connection} />
      {/* tabIndex lets the skip link move keyboard focus here. */}
      <main id="content" tabIndex={-1}>
        <Page route={current} store={store} connection={connection} />
      </main>
    </>
  );
}

function Page({ route: current, store, connection }: { route: Route; store: HubStore; connection: HubConnection }) {
  const user = useObservable(store.user);
  switch (current.page) {
    case 'dashboard':
      return <Dashboard store={store} />;
    case 'node':
      return <NodePage key={current.nodeId} store={store} connection={connection} nodeId={current.nodeId} />;
    case 'log':
      return canSendCommands(user) ? <LogPage store={store} connection={connection} /> : <p class="placeholder">The live log is for operators and admins.</p>;
    case 'settings':
      return <SettingsPage store={store} />;
    case 'notFound':
      return (
        <p class="placeholder">
          There is no page at <code>{current.hash}</code>. <a href="#/">Open the dashboard</a>.
        </p>
      );
  }
}
