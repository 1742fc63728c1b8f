import type { LinkStatus } from '../../../src/protocol/index.js';
import { useNow } from '../clock.js';
import { formatDelay } from '../format.js';
import type { DropCounts, HubStore, ReceivedLinkStatus } from '../hub-store.js';
import { useObservable } from '../observable.js';
import { RelativeTime } from './relative-time.js';

/** Renders one panel per radio gateway with its link state, line counters and warning, then the page's own drop count. */
export function LinkPanels({ store }: { store: HubStore }) {
  const links = useObservable(store.links);
  const dropped = useObservable(store.dropped);

  return (
    <section class="link-panels" aria-labelledby="links-title">
      <h2 id="links-title" class="visually-hidden">
        Radio links
      </h2>
      {links.map((link) => (
        <LinkPanel key={link.status.gateway} link={link} />
      ))}
      {/* Only worth a line when something went wrong: it points at a hub and page of different versions. */}
      {dropped.invalidJson + dropped.invalidMessage > 0 && (
        <p class="page-drops">
          Invalid hub messages dropped by this page: <span data-field="page-dropped">{formatPageDrops(dropped)}</span>
        </p>
      )}
    </section>
  );
}

function LinkPanel({ link }: { link: ReceivedLinkStatus }) {
  const { status } = link;
  const titleId = `link-${status.gateway}-title`;
  return (
    <section class="panel link-panel" aria-labelledby={titleId} data-gateway={status.gateway}>
      <h3 id={titleId}>
        Radio gateway <span class="gateway-name">{status.gateway}</span>
      </h3>
      {status.warning !== null && (
        <p class="link-warning" role="alert" data-field="link-warning">
          {status.warning}
        </p>
      )}
      <dl class="facts">
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
            <code>{status.port}</code> ({status.dialect})
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
          <dd data-field="link-lines">{status.linesRead}</dd>
        </div>
        <div>
          <dt>Lines dropped</dt>
          <dd data-field="link-dropped">{formatLineDrops(status.dropped)}</dd>
        </div>
      </dl>
    </section>
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
  return `${total} (${dropped.invalidJson} not JSON, ${dropped.invalidMessage} of unknown shape)`;
}
