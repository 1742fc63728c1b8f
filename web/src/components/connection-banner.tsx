import { useNow } from '../clock.js';
import { formatDelay } from '../format.js';
import type { HubConnection } from '../hub-connection.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';

/** Shows the state of the websocket to the hub (connected, connecting, or reconnecting in N s) and hub errors. */
export function ConnectionBanner({ store, connection }: { store: HubStore; connection: HubConnection }) {
  const state = useObservable(store.connection);
  const hubError = useObservable(store.hubError);

  return (
    <div class="banners">
      <div class={`banner banner-${state.phase}`} role="status">
        {state.phase === 'open' && 'Connected to the hub.'}
        {state.phase === 'connecting' && 'Connecting to the hub…'}
        {state.phase === 'waiting' && <Reconnecting retryAt={state.retryAt} connection={connection} />}
      </div>
      {hubError !== null && (
        <p class="banner banner-error" role="alert">
          The hub reported an error: {hubError.message} (<code>{hubError.code}</code>)
        </p>
      )}
    </div>
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
