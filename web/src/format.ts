import type { Metric } from '../../src/protocol/index.js';

/** Formats an age in milliseconds as "12 s ago", "5 min ago", "3 h ago" or "2 d ago". */
export function formatAge(ageMs: number): string {
  // A hub clock slightly ahead of the browser's makes recent times look like the future.
  if (ageMs < 1000) {
    return 'just now';
  }
  const seconds = Math.floor(ageMs / 1000);
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours} h ago`;
  }
  return `${Math.floor(hours / 24)} d ago`;
}

/** Formats a remaining delay in milliseconds as whole seconds, rounded up so it never shows "0 s" early. */
export function formatDelay(delayMs: number): string {
  return `${Math.max(0, Math.ceil(delayMs / 1000))} s`;
}

/** Formats a metric's value with its unit, for example "21.5 °C" or "open". */
export function formatMetricValue(metric: Metric): string {
  const value = String(metric.value);
  return metric.unit === null || metric.unit === '' ? value : `${value} ${metric.unit}`;
}

/** Formats an ISO 8601 time as the browser's local date and time, or returns the text unchanged if invalid. */
export function formatLocalTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time).toLocaleString();
}

/** Returns the name a user gave the node, or "Node <id>". */
export function nodeTitle(node: { id: number; name: string | null }): string {
  return node.name ?? `Node ${node.id}`;
}

export function formatRssi(rssi: number | null): string {
  return rssi === null ? 'unknown' : `${rssi} dBm`;
}

/**
 * Returns a metric name as words: `timeSinceMotion` becomes "time since motion" and `temperature1`
 * "temperature 1", so narrow cards wrap between words instead of inside one.
 */
export function metricLabel(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .toLowerCase();
}
