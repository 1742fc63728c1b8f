import { clock } from '../clock.js';
import { formatAge, formatLocalTime } from '../format.js';
import { useObservable } from '../observable.js';

/** A `<time>` showing how long ago `iso` was ("12 s ago"), ticking each second; hover shows the date. */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useObservable(clock);
  const time = Date.parse(iso);
  if (Number.isNaN(time)) {
    return <time>{iso}</time>;
  }
  return (
    <time dateTime={iso} title={formatLocalTime(iso)}>
      {formatAge(now - time)}
    </time>
  );
}
