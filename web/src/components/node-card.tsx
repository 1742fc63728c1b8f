import type { Node } from '../../../src/protocol/index.js';
import { formatMetricValue } from '../format.js';
import type { HubConnection } from '../hub-connection.js';
import { canSendCommands } from '../hub-store.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';
import type { Observable } from '../observable.js';
import { CommandForm } from './command-form.js';
import { RelativeTime } from './relative-time.js';

interface NodeCardProps {
  store: HubStore;
  connection: HubConnection;
  nodeId: number;
}

export function NodeCard({ store, connection, nodeId }: NodeCardProps) {
  const observable = store.node(nodeId);
  // The list renders only ids that the store contains, so a miss here is a removal racing the list's own update.
  if (observable === undefined) {
    return null;
  }
  return <NodeDetails node={observable} store={store} connection={connection} />;
}

function NodeDetails({ node: observable, store, connection }: { node: Observable<Node>; store: HubStore; connection: HubConnection }) {
  const node = useObservable(observable);
  const user = useObservable(store.user);
  const titleId = `node-${node.id}-title`;

  return (
    <article class="node" aria-labelledby={titleId} data-node-id={node.id}>
      <h3 id={titleId}>Node {node.id}</h3>
      <dl class="facts node-facts">
        <div>
          <dt>Last seen</dt>
          <dd data-field="last-seen">
            <RelativeTime iso={node.lastSeen} />
          </dd>
        </div>
        <div>
          <dt>RSSI</dt>
          <dd data-field="rssi">{node.rssi === null ? 'unknown' : `${node.rssi} dBm`}</dd>
        </div>
        <div>
          <dt>Packets</dt>
          <dd>{node.packets}</dd>
        </div>
      </dl>
      <MetricTable node={node} />
      {canSendCommands(user) && <CommandForm nodeId={node.id} store={store} connection={connection} />}
    </article>
  );
}

function MetricTable({ node }: { node: Node }) {
  const metrics = Object.entries(node.metrics).sort(([a], [b]) => a.localeCompare(b));
  if (metrics.length === 0) {
    return <p class="placeholder">No metrics yet.</p>;
  }
  return (
    <table class="metrics">
      <caption class="visually-hidden">Metrics of node {node.id}</caption>
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
          <tr key={name} data-metric={name}>
            <th scope="row">{name}</th>
            <td class="metric-value">{formatMetricValue(metric)}</td>
            <td>
              <RelativeTime iso={metric.time} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
