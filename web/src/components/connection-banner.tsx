import { useNow } from '../clock.js';
import { formatDelay } from '../format.js';
import type { HubConnection } from '../hub-connection.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';

/**
 * Shows the state of the websocket to the hub (connected, connecting, reconnecting in N s, or blocked
 * by a proxy) and hub errors.
 */
export function ConnectionBanner({ store, connection }: { store: HubStore; connection: HubConnection }) {
  const state = useObservable(store.connection);
  const hubError = useObservable(store.hubError);

  return (
    <div class="banners">
      <div class={`banner banner-${state.phase}`} role="status">
        {state.phase === 'open' && 'Connected to the hub.'}
        {state.phase === 'connecting' && 'Connecting to the hub…'}
        {state.phase === 'waiting' && <Reconnecting retryAt={state.retryAt} connection={connection} />}
        {state.phase === 'blocked' && <Blocked retryAt={state.retryAt} connection={connection} />}
      </div>
      {hubError !== null && (
        <p class="banner banner-error" role="alert">
          The hub reported an error: {hubError.message} (<code>{hubError.code}</code>)
        </p>
      )}
    </div>
  );
}

function Blocked({ retryAt, connection }: { retryAt: number; connection: HubConnection }) {
  const now = useNow();
  return (
    <>
      <span>
        The realtime channel is blocked: the hub answers normal requests, but the websocket to <code>/ws</code> keeps failing. A proxy or
        firewall between this browser and Gatehouse probably does not pass websockets; live updates stop until it does.
      </span>{' '}
      <span aria-hidden="true">Next try in {formatDelay(retryAt - now)}.</span>{' '}
      <button
        type="button"
        class="link-button"
        onClick={() => {
          connection.reconnectNow();
        }}
      >
        Try now
      </button>
    </>
  );
}

function Reconnecting({ retryAt, connection }: { retryAt: number; connection: HubConnection }) {
  const now = useNow();
  return (
    <>
      <span>Connection to the hub lost.</span>{' '}
      {/* The countdown changes every second, so screen readers get a fixed sentence in its place. */}
      <span aria-hidden="true">Reconnecting in {formatDelay(retryAt - now)}.</span>
      <span class="visually-hidden">Reconnecting automatically.</span>{' '}
      <button
        type="button"
        class="link-button"
        onClick={() => {
          connection.reconnectNow();
        }}
      >
        Reconnect now
      </button>
    </>
  );
}
