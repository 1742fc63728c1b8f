import type { LinkStatus } from '../../../src/protocol/index.js';
import { useNow } from '../clock.js';
import { formatDelay } from '../format.js';
import type { DropCounts, HubStore, ReceivedLinkStatus } from '../hub-store.js';
import { useObservable } from '../observable.js';
import { RelativeTime } from './relative-time.js';

/** Shows the radio link's state, its line counters, and the count of hub messages this page dropped. */
export function LinkPanel({ store }: { store: HubStore }) {
  const link = useObservable(store.link);
  const dropped = useObservable(store.dropped);

  return (
    <section class="panel link-panel" aria-labelledby="link-title">
      <h2 id="link-title">Radio link</h2>
      <dl class="facts">
        {link !== null && <LinkFacts link={link} />}
        <div>
          <dt>Invalid hub messages dropped</dt>
          <dd data-field="page-dropped">{formatPageDrops(dropped)}</dd>
        </div>
      </dl>
    </section>
  );
}

function LinkFacts({ link }: { link: ReceivedLinkStatus }) {
  const { status } = link;
  return (
    <>
      <div>
        <dt>State</dt>
        <dd>
          <span class={`link-state link-state-${status.state}`} data-field="link-state">
            {status.state}
          </span>{' '}
          since <RelativeTime iso={status.since} />
        </dd>
      </div>
      <div>
        <dt>Port</dt>
        <dd>
          <code>{status.port}</code>
        </dd>
      </div>
      {status.reason !== null && (
        <div>
          <dt>Reason</dt>
          <dd data-field="link-reason">{status.reason}</dd>
        </div>
      )}
      {status.retryInMs !== null && status.state !== 'open' && (
        <div>
          <dt>Next attempt</dt>
          <dd data-field="link-retry">
            <RetryCountdown retryAt={link.receivedAt + status.retryInMs} />
          </dd>
        </div>
      )}
      <div>
        <dt>Lines read</dt>
        <dd>{status.linesRead}</dd>
      </div>
      <div>
        <dt>Lines dropped</dt>
        <dd data-field="link-dropped">{formatLineDrops(status.dropped)}</dd>
      </div>
    </>
  );
}

function RetryCountdown({ retryAt }: { retryAt: number }) {
  const now = useNow();
  return <>{retryAt > now ? `in ${formatDelay(retryAt - now)}` : 'due now'}</>;
}

function formatLineDrops(dropped: LinkStatus['dropped']): string {
  const entries = Object.entries(dropped).filter(([, count]) => count > 0);
  if (entries.length === 0) {
    return 'none';
  }
  return entries.map(([reason, count]) => `${count} ${reason}`).join(', ');
}

function formatPageDrops(dropped: DropCounts): string {
  const total = dropped.invalidJson + dropped.invalidMessage;
  if (total === 0) {
    return 'none';
  }
  return `${total} (${dropped.invalidJson} not JSON, ${dropped.invalidMessage} of unknown shape)`;
}
