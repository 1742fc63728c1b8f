import { useLayoutEffect } from 'preact/hooks';
import type { HubConnection } from '../hub-connection.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';

/** Maximum events listed on a node page. */
const maxNodeEvents = 20;

/**
 * Renders the live log entries about one node (its packets, commands, requests), newest first. The
 * live log is for operators and admins, so only their node pages show this.
 */
export function NodeEvents({ nodeId, store, connection }: { nodeId: number; store: HubStore; connection: HubConnection }) {
  const entries = useObservable(store.logEntries);
  // A layout effect runs in the same commit as the unmount of the previous view, so moving between
  // log views keeps the subscription (see HubConnection.retainLog).
  useLayoutEffect(() => connection.retainLog(), [connection]);
  const events = entries
    .filter((entry) => entry.nodeId === nodeId)
    .slice(-maxNodeEvents)
    .reverse();

  return (
    <section class="panel" aria-labelledby="events-title">
      <h2 id="events-title">Recent events</h2>
      {events.length === 0 ? (
        <p class="placeholder">No events for this node since the hub started keeping its log.</p>
      ) : (
        <ol class="log-entries">
          {events.map((entry, index) => (
            <li key={`${entry.time}-${index}`} class={`log-entry log-${entry.direction}`} data-kind={entry.kind}>
              <time dateTime={entry.time}>{new Date(entry.time).toLocaleString()}</time> <span class="log-direction">{entry.direction}</span>{' '}
              <span class="log-kind">{entry.kind}</span> <code class="log-text">{entry.text}</code>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
