import type { HubConnection } from '../hub-connection.js';
import type { HubStore } from '../hub-store.js';
import { ConnectionBanner } from './connection-banner.js';
import { LinkPanel } from './link-panel.js';
import { NodeList } from './node-list.js';
import { PageHeader } from './page-header.js';

export function App({ store, connection }: { store: HubStore; connection: HubConnection }) {
  return (
    <>
      <PageHeader store={store} />
      <ConnectionBanner store={store} connection={connection} />
      <main>
        <LinkPanel store={store} />
        <NodeList store={store} connection={connection} />
      </main>
    </>
  );
}
