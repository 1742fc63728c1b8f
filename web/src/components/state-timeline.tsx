import type { HistorySeries } from '../../../src/protocol/index.js';
import { formatLocalTime } from '../format.js';
import { stateSegments } from '../history.js';

/** Colour classes for states; a state keeps its class wherever it appears, by a hash of its text. */
const stateClassCount = 6;

function stateClass(state: string | null): string {
  if (state === null) {
    return 'state-unknown';
  }
  let hash = 0;
  for (const character of state) {
    hash = (hash * 31 + (character.codePointAt(0) ?? 0)) % 9973;
  }
  return `state-${hash % stateClassCount}`;
}

/**
 * Renders a bar of the states a text metric went through, each stretch as wide as its share of the range,
 * followed by the list of changes for screen readers and exact times.
 */
export function StateTimeline({ series, end }: { series: Extract<HistorySeries, { kind: 'state' }>; end: number }) {
  const segments = stateSegments(series, end);
  const total = Math.max(1, end - series.from);
  return (
    <>
      <div class="timeline" aria-hidden="true">
        {segments.map((segment) => (
          <span
            key={segment.start}
            class={`timeline-segment ${stateClass(segment.state)}`}
            // Set through the CSSOM by preact, which the CSP allows, unlike a style attribute in markup.
            style={{ width: `${((segment.end - segment.start) / total) * 100}%` }}
            title={`${segment.state ?? 'unknown'} from ${formatLocalTime(new Date(segment.start).toISOString())}`}
          >
            {segment.state ?? ''}
          </span>
        ))}
      </div>
      {series.times.length === 0 ? (
        <p class="placeholder">No change in this range{series.initial === null ? '.' : `; the state was ${series.initial}.`}</p>
      ) : (
        <ol class="state-changes">
          {series.times.map((time, index) => (
            <li key={time}>
              <time dateTime={new Date(time).toISOString()}>{formatLocalTime(new Date(time).toISOString())}</time>: {series.states[index] ?? ''}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
