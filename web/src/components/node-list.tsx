import type { HubConnection } from '../hub-connection.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';
import { NodeCard } from './node-card.js';

/** Renders one card per node. The list itself re-renders only when a node appears or disappears. */
export function NodeList({ store, connection }: { store: HubStore; connection: HubConnection }) {
  const synced = useObservable(store.synced);
  const ids = useObservable(store.nodeIds);

  let content;
  if (!synced) {
    content = <p class="placeholder">Waiting for the hub's list of nodes…</p>;
  } else if (ids.length === 0) {
    content = <p class="placeholder">No node has reported yet.</p>;
  } else {
    content = (
      <ul class="node-grid">
        {ids.map((id) => (
          <li key={id}>
            <NodeCard store={store} connection={connection} nodeId={id} />
          </li>
        ))}
      </ul>
    );
  }

  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes</h2>
      {content}
    </section>
  );
}
