import { useState } from 'preact/hooks';
import type { Node } from '../../../src/protocol/index.js';
import { nodeTitle } from '../format.js';
import { typeNameOf } from '../kinds.js';
import type { HubStore } from '../hub-store.js';
import { useObservable, useObservables } from '../observable.js';
import { LinkPanels } from './link-panel.js';
import { NodeCard } from './node-card.js';

export type SortOrder = 'id' | 'name' | 'lastSeen' | 'rssi';

const sortLabels: Record<SortOrder, string> = {
  id: 'Node id',
  name: 'Name',
  lastSeen: 'Last seen, newest first',
  rssi: 'Signal, strongest first',
};

/** Returns true when the filter text is empty or found in the node's id, name, type, gateway or metric names. */
export function matchesFilter(node: Node, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') {
    return true;
  }
  const haystack = [String(node.id), nodeTitle(node), typeNameOf(node) ?? '', node.gateway, ...Object.keys(node.metrics)];
  return haystack.some((text) => text.toLowerCase().includes(needle));
}

function compareNodes(order: SortOrder): (a: Node, b: Node) => number {
  switch (order) {
    case 'id':
      return (a, b) => a.id - b.id;
    case 'name':
      return (a, b) => nodeTitle(a).localeCompare(nodeTitle(b)) || a.id - b.id;
    case 'lastSeen':
      return (a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen) || a.id - b.id;
    case 'rssi':
      return (a, b) => (b.rssi ?? -Infinity) - (a.rssi ?? -Infinity) || a.id - b.id;
  }
}

/** Renders the dashboard: the link panels, then one card per node with a filter, a sort order and a hidden-nodes toggle. */
export function Dashboard({ store }: { store: HubStore }) {
  return (
    <>
      <LinkPanels store={store} />
      <NodeList store={store} />
    </>
  );
}

function NodeList({ store }: { store: HubStore }) {
  const synced = useObservable(store.synced);
  const ids = useObservable(store.nodeIds);
  const [filter, setFilter] = useState('');
  const [order, setOrder] = useState<SortOrder>('id');
  const [showHidden, setShowHidden] = useState(false);
  // The list re-renders on every node update only while sorting or filtering needs the node values.
  const observables = ids.map((id) => store.node(id)).filter((node) => node !== undefined);
  const nodes = useObservables(observables);

  const visible = nodes.filter((node) => (showHidden || !node.hidden) && matchesFilter(node, filter)).sort(compareNodes(order));
  const hiddenCount = nodes.filter((node) => node.hidden).length;

  let content;
  if (!synced) {
    content = <p class="placeholder">Waiting for the hub's list of nodes…</p>;
  } else if (ids.length === 0) {
    content = <p class="placeholder">No node has reported yet.</p>;
  } else if (visible.length === 0) {
    content = <p class="placeholder">No node matches the filter.</p>;
  } else {
    content = (
      <ul class="node-grid">
        {visible.map((node) => (
          <li key={node.id}>
            <NodeCard store={store} nodeId={node.id} />
          </li>
        ))}
      </ul>
    );
  }

  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes</h2>
      <div class="toolbar" role="search">
        <label>
          Filter
          <input
            type="search"
            name="filter"
            value={filter}
            placeholder="name, id, type, metric"
            onInput={(event) => {
              setFilter(event.currentTarget.value);
            }}
          />
        </label>
        <label>
          Sort by
          <select
            name="sort"
            value={order}
            onChange={(event) => {
              setOrder(event.currentTarget.value as SortOrder);
            }}
          >
            {Object.entries(sortLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            name="showHidden"
            checked={showHidden}
            onChange={(event) => {
              setShowHidden(event.currentTarget.checked);
            }}
          />
          Show hidden nodes ({hiddenCount})
        </label>
      </div>
      {content}
    </section>
  );
}
