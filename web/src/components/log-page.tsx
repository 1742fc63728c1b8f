import { useLayoutEffect, useState } from 'preact/hooks';
import type { LogEntry } from '../../../src/protocol/index.js';
import type { HubConnection } from '../hub-connection.js';
import type { HubStore } from '../hub-store.js';
import { maxLogEntries } from '../hub-store.js';
import { useObservable } from '../observable.js';
import { LinkPanels } from './link-panel.js';

/** Maximum entries drawn at once; the filter narrows down the rest. */
const maxShownEntries = 300;

type DirectionFilter = 'all' | LogEntry['direction'];

/** Returns true when the entry passes the direction and gateway choices and contains the filter text. */
export function matchesLogFilter(entry: LogEntry, text: string, direction: DirectionFilter, gateway: string): boolean {
  if (direction !== 'all' && entry.direction !== direction) {
    return false;
  }
  if (gateway !== '' && entry.gateway !== gateway) {
    return false;
  }
  const needle = text.trim().toLowerCase();
  if (needle === '') {
    return true;
  }
  return [entry.text, entry.kind, entry.nodeId === null ? '' : String(entry.nodeId)].some((field) => field.toLowerCase().includes(needle));
}

/** Renders the live log of radio lines and system events, newest first, with the link panels above it. */
export function LogPage({ store, connection }: { store: HubStore; connection: HubConnection }) {
  const entries = useObservable(store.logEntries);
  const links = useObservable(store.links);
  const [text, setText] = useState('');
  const [direction, setDirection] = useState<DirectionFilter>('all');
  const [gateway, setGateway] = useState('');
  const [paused, setPaused] = useState(false);
  const [frozen, setFrozen] = useState<readonly LogEntry[]>([]);

  // A layout effect, like the node page's events, so moving between the two keeps the subscription.
  useLayoutEffect(() => connection.retainLog(), [connection]);

  const source = paused ? frozen : entries;
  const matching = source.filter((entry) => matchesLogFilter(entry, text, direction, gateway));
  const shown = matching.slice(-maxShownEntries).reverse();

  return (
    <>
      <LinkPanels store={store} />
      <section class="panel" aria-labelledby="log-title">
        <h2 id="log-title">Live log</h2>
        <div class="toolbar" role="search">
          <label>
            Filter
            <input type="search" name="logFilter" value={text} placeholder="text, kind or node id" onInput={(event) => setText(event.currentTarget.value)} />
          </label>
          <label>
            Direction
            <select name="direction" value={direction} onChange={(event) => setDirection(event.currentTarget.value as DirectionFilter)}>
              <option value="all">all</option>
              <option value="in">in (from the radio)</option>
              <option value="out">out (to the radio)</option>
              <option value="system">system events</option>
            </select>
          </label>
          {links.length > 1 && (
            <label>
              Radio gateway
              <select name="gateway" value={gateway} onChange={(event) => setGateway(event.currentTarget.value)}>
                <option value="">all</option>
                {links.map((link) => (
                  <option key={link.status.gateway} value={link.status.gateway}>
                    {link.status.gateway}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            type="button"
            aria-pressed={paused}
            onClick={() => {
              setFrozen(entries);
              setPaused(!paused);
            }}
          >
            {paused ? 'Resume' : 'Pause'}
          </button>
        </div>
        <p class="help" data-field="log-count">
          Showing {shown.length} of {matching.length} matching entries ({source.length} kept, at most {maxLogEntries}).
        </p>
        {shown.length === 0 ? (
          <p class="placeholder">No log entries yet.</p>
        ) : (
          <ol class="log-entries">
            {shown.map((entry, index) => (
              <li key={`${entry.time}-${index}`} class={`log-entry log-${entry.direction}`} data-kind={entry.kind}>
                <time dateTime={entry.time}>{new Date(entry.time).toLocaleTimeString()}</time>{' '}
                <span class="log-direction">{entry.direction}</span> <span class="log-kind">{entry.kind}</span>
                {entry.gateway !== null && <span class="log-gateway"> {entry.gateway}</span>}
                {entry.nodeId !== null && <span class="log-node"> node {entry.nodeId}</span>} <code class="log-text">{entry.text}</code>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
