import type { Node } from '../../../src/protocol/index.js';
import { formatLocalTime, formatRssi, nodeTitle } from '../format.js';
import type { HubConnection } from '../hub-connection.js';
import { canSendCommands } from '../hub-store.js';
import type { HubStore } from '../hub-store.js';
import { kindIcons, kindOf, typeNameOf } from '../kinds.js';
import { useObservable } from '../observable.js';
import type { Observable } from '../observable.js';
import { HistorySection } from './history-section.js';
import { MetricRow } from './metric-row.js';
import { NodeControls } from './node-controls.js';
import { NodeEvents } from './node-events.js';
import { NodeManage } from './node-manage.js';
import { NodeRequests } from './node-requests.js';
import { RelativeTime } from './relative-time.js';

/** Renders the page of one node: facts, every metric, graphs, controls, requests and management. */
export function NodePage({ store, connection, nodeId }: { store: HubStore; connection: HubConnection; nodeId: number }) {
  useObservable(store.nodeIds);
  const synced = useObservable(store.synced);
  const observable = store.node(nodeId);
  if (observable === undefined) {
    return (
      <section class="panel">
        <h2>Node {nodeId}</h2>
        <p class="placeholder">{synced ? 'The hub does not know this node (it may have been deleted).' : "Waiting for the hub's list of nodes…"}</p>
        <a href="#/">Back to the dashboard</a>
      </section>
    );
  }
  return <NodeDetails node={observable} store={store} connection={connection} />;
}

function NodeDetails({ node: observable, store, connection }: { node: Observable<Node>; store: HubStore; connection: HubConnection }) {
  const node = useObservable(observable);
  const user = useObservable(store.user);
  const operator = canSendCommands(user);

  return (
    <article class="node-page" aria-labelledby="node-page-title" data-node-id={node.id}>
      <p>
        <a href="#/">← Dashboard</a>
      </p>
      <div class="node-heading">
        <img class="kind-icon" src={kindIcons[kindOf(node)]} alt="" width={32} height={32} />
        <h2 id="node-page-title">{nodeTitle(node)}</h2>
        {node.offline && <span class="badge badge-bad">Offline</span>}
        {node.hidden && <span class="badge">Hidden</span>}
      </div>
      <section class="panel" aria-labelledby="facts-title">
        <h2 id="facts-title" class="visually-hidden">
          Facts
        </h2>
        <dl class="facts">
          <Fact term="Node id" value={String(node.id)} />
          <Fact term="Type" value={typeNameOf(node) ?? 'generic'} />
          <Fact term="Radio gateway" value={node.gateway} />
          <div>
            <dt>Last seen</dt>
            <dd data-field="last-seen">
              <RelativeTime iso={node.lastSeen} />
            </dd>
          </div>
          <Fact term="First seen" value={node.firstSeen === null ? 'unknown' : formatLocalTime(node.firstSeen)} />
          <Fact term="RSSI" value={formatRssi(node.rssi)} field="rssi" />
          <Fact term="Packets" value={String(node.packets)} />
          <Fact term="Status" value={[node.offline ? 'offline' : 'online', node.batteryLow ? 'battery low' : ''].filter((text) => text !== '').join(', ')} />
        </dl>
      </section>
      <AllMetrics node={node} />
      {operator && <NodeControls node={node} store={store} connection={connection} />}
      <HistorySection node={node} />
      <NodeRequests nodeId={node.id} store={store} />
      {operator && <NodeEvents nodeId={node.id} store={store} connection={connection} />}
      {operator && <NodeManage key={node.id} node={node} store={store} user={user} />}
    </article>
  );
}

function Fact({ term, value, field }: { term: string; value: string; field?: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd data-field={field}>{value}</dd>
    </div>
  );
}

function AllMetrics({ node }: { node: Node }) {
  // The type name (nodeType) is shown as the node's Type above.
  const metrics = Object.entries(node.metrics)
    .filter(([name]) => name !== 'nodeType')
    .sort(([a], [b]) => a.localeCompare(b));
  return (
    <section class="panel" aria-labelledby="metrics-title">
      <h2 id="metrics-title">Metrics</h2>
      {metrics.length === 0 ? (
        <p class="placeholder">No metrics yet.</p>
      ) : (
        <table class="metrics">
          <thead>
            <tr>
              <th scope="col" class="column-metric">
                Metric
              </th>
              <th scope="col" class="column-value">
                Value
              </th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {metrics.map(([name, metric]) => (
              <MetricRow key={name} name={name} metric={metric} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
