import type { Node } from '../../../src/protocol/index.js';
import { formatMetricValue, formatRssi, nodeTitle } from '../format.js';
import { batteryMetricName, kindIcons, kindOf, typeNameOf } from '../kinds.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';
import type { Observable } from '../observable.js';
import { nodeHref } from '../router.js';
import { MetricRow } from './metric-row.js';
import { RelativeTime } from './relative-time.js';

/** Maximum metrics on a card when the user pinned none. */
const defaultCardMetrics = 4;

export function NodeCard({ store, nodeId }: { store: HubStore; nodeId: number }) {
  const observable = store.node(nodeId);
  // The list renders only ids that the store contains, so a miss here is a removal racing the list's own update.
  if (observable === undefined) {
    return null;
  }
  return <NodeSummary node={observable} />;
}

/** Returns the metric names a card shows: the pinned ones that exist, else the first few by name. */
export function cardMetricNames(node: Node): string[] {
  const battery = batteryMetricName(node.metrics);
  const pinned = node.pinned.filter((name) => name in node.metrics);
  if (pinned.length > 0) {
    return pinned;
  }
  // The battery has its own field, and the type name (nodeType) is the card's subtitle.
  return Object.keys(node.metrics)
    .filter((name) => name !== battery && name !== 'nodeType')
    .sort((a, b) => a.localeCompare(b))
    .slice(0, defaultCardMetrics);
}

function NodeSummary({ node: observable }: { node: Observable<Node> }) {
  const node = useObservable(observable);
  const titleId = `node-${node.id}-title`;
  const kind = kindOf(node);
  const battery = batteryMetricName(node.metrics);
  const batteryMetric = battery === null ? undefined : node.metrics[battery];
  const classes = ['node', node.offline ? 'node-offline' : '', node.hidden ? 'node-hidden' : ''].filter((name) => name !== '').join(' ');

  return (
    <article class={classes} aria-labelledby={titleId} data-node-id={node.id}>
      <div class="node-heading">
        <img class="kind-icon" src={kindIcons[kind]} alt="" width={24} height={24} />
        <h3 id={titleId}>
          <a href={nodeHref(node.id)}>{nodeTitle(node)}</a>
        </h3>
        {node.offline && <span class="badge badge-bad">Offline</span>}
        {node.hidden && <span class="badge">Hidden</span>}
      </div>
      <p class="node-subtitle">
        {node.name === null ? '' : `Node ${node.id} · `}
        {typeNameOf(node) ?? 'generic node'}
      </p>
      <dl class="facts node-facts">
        <div>
          <dt>Last seen</dt>
          <dd data-field="last-seen">
            <RelativeTime iso={node.lastSeen} />
          </dd>
        </div>
        <div>
          <dt>RSSI</dt>
          <dd data-field="rssi">{formatRssi(node.rssi)}</dd>
        </div>
        <div>
          <dt>Battery</dt>
          <dd data-field="battery" class={node.batteryLow ? 'battery-low' : ''}>
            {batteryMetric === undefined ? 'unknown' : formatMetricValue(batteryMetric)}
            {node.batteryLow && ' (low)'}
          </dd>
        </div>
        <div>
          <dt>Packets</dt>
          <dd>{node.packets}</dd>
        </div>
      </dl>
      <KeyMetrics node={node} />
    </article>
  );
}

function KeyMetrics({ node }: { node: Node }) {
  const names = cardMetricNames(node);
  if (names.length === 0) {
    return <p class="placeholder">No metrics yet.</p>;
  }
  return (
    <table class="metrics">
      <caption class="visually-hidden">Key metrics of {nodeTitle(node)}</caption>
      <tbody>
        {names.map((name) => {
          const metric = node.metrics[name];
          return (
            metric !== undefined && <MetricRow key={name} name={name} metric={metric} />
          );
        })}
      </tbody>
    </table>
  );
}
