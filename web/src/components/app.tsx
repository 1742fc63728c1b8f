import { useState } from 'preact/hooks';
import type { HubConnection } from '../hub-connection.js';
import type { HubStore } from '../hub-store.js';
import { logOut } from '../session.js';
import { ConnectionBanner } from './connection-banner.js';
import { LinkPanel } from './link-panel.js';
import { NodeList } from './node-list.js';
import { PageHeader } from './page-header.js';

export function App({ store, connection }: { store: HubStore; connection: HubConnection }) {
  const [loggedOut, setLoggedOut] = useState(false);

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
      <PageHeader store={store} onLogOut={handleLogOut} />
      <ConnectionBanner store={store} connection={connection} />
      <main>
        <LinkPanel store={store} />
        <NodeList store={store} connection={connection} />
      </main>
    </>
  );
}
