import { useNow } from '../clock.js';
import { formatAge, formatLocalTime } from '../format.js';

/** Renders how long ago `iso` was ("12 s ago") as a `<time>` that ticks each second, with the date as its title. */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow();
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
