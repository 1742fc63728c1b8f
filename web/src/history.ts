import { historySeriesSchema } from '../../src/protocol/index.js';
import type { HistorySeries } from '../../src/protocol/index.js';
import { requestJson } from './api.js';

export type RangeName = 'hour' | 'day' | 'week' | 'month' | 'year';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** Length of each range the node page offers, in milliseconds. */
export const rangeDurations: Record<RangeName, number> = {
  hour: hourMs,
  day: dayMs,
  week: 7 * dayMs,
  month: 30 * dayMs,
  year: 365 * dayMs,
};

/** Points asked from the hub per chart; about one per pixel column of a desktop chart. */
export const chartPoints = 1000;

function metricPath(nodeId: number, metric: string): string {
  return `/api/nodes/${nodeId}/metrics/${encodeURIComponent(metric)}`;
}

export function historyUrl(nodeId: number, metric: string, from: number, to: number, points = chartPoints): string {
  return `${metricPath(nodeId, metric)}/history?from=${from}&to=${to}&points=${points}`;
}

export function csvUrl(nodeId: number, metric: string, from: number, to: number): string {
  return `${metricPath(nodeId, metric)}/history.csv?from=${from}&to=${to}`;
}

export async function fetchHistory(nodeId: number, metric: string, from: number, to: number): Promise<HistorySeries> {
  return requestJson('GET', historyUrl(nodeId, metric, from, to), historySeriesSchema);
}

/**
 * Returns `series` with a live reading appended, or the same object when the reading is not newer than
 * the last point or falls outside the series' range end (a zoomed view of the past stays as it is).
 */
export function appendReading(series: HistorySeries, time: number, value: number | string): HistorySeries {
  const last = series.times[series.times.length - 1];
  if ((last !== undefined && time <= last) || time < series.from) {
    return series;
  }
  if (series.kind === 'numeric') {
    if (typeof value !== 'number') {
      return series;
    }
    return {
      ...series,
      to: Math.max(series.to, time),
      times: [...series.times, time],
      min: [...series.min, value],
      max: [...series.max, value],
      mean: [...series.mean, value],
    };
  }
  const text = String(value);
  const lastState = series.states[series.states.length - 1] ?? series.initial;
  if (lastState === text) {
    return { ...series, to: Math.max(series.to, time) };
  }
  return { ...series, to: Math.max(series.to, time), times: [...series.times, time], states: [...series.states, text] };
}

/** One stretch of a state timeline: `state` held from `start` to `end` (ms since the epoch). */
export interface StateSegment {
  state: string | null;
  start: number;
  end: number;
}

/** Splits a state series into the stretches between its changes, clipped to the series range. */
export function stateSegments(series: Extract<HistorySeries, { kind: 'state' }>, end: number): StateSegment[] {
  const segments: StateSegment[] = [];
  let state = series.initial;
  let start = series.from;
  series.times.forEach((time, index) => {
    const next = series.states[index] ?? null;
    if (time > start) {
      segments.push({ state, start, end: time });
    }
    state = next;
    start = Math.max(start, time);
  });
  if (end > start) {
    segments.push({ state, start, end });
  }
  return segments;
}

/**
 * Returns the range a node page opens with: a day, or an hour for a node first heard less than two
 * hours ago, whose readings would otherwise fill a sliver at the right edge of a day-wide chart.
 */
export function initialRange(firstSeen: string | null, now: number): RangeName {
  const first = firstSeen === null ? Number.NaN : Date.parse(firstSeen);
  return Number.isFinite(first) && now - first < 2 * rangeDurations.hour ? 'hour' : 'day';
}
