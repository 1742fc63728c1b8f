import type { DecodedMetric } from '../domain/packet.js';
import type { QueuedReading } from './batch-insert.js';

/** Maximum lengths of a metric name, a unit and a state text, in UTF-16 code units. */
export const maxNameLength = 64;
export const maxUnitLength = 32;
export const maxStateLength = 64;

/**
 * Turns one decoded metric into a queued reading, or returns why it is invalid. Node ids are
 * 1..1023 (the radio network's address range); times are integer ms since the Unix epoch.
 */
export function toQueuedReading(nodeId: number, metric: DecodedMetric, timeMs: number): QueuedReading | string {
  if (!Number.isInteger(nodeId) || nodeId < 1 || nodeId > 1023) return `node id ${String(nodeId)} is outside 1..1023`;
  if (!Number.isSafeInteger(timeMs) || timeMs < 0) return `time ${String(timeMs)} is not a non-negative integer of ms`;
  if (typeof metric.name !== 'string' || metric.name.length === 0 || metric.name.length > maxNameLength) {
    return `metric name ${JSON.stringify(metric.name)} is empty or longer than ${maxNameLength}`;
  }
  if (metric.unit !== null && (typeof metric.unit !== 'string' || metric.unit.length > maxUnitLength)) {
    return `unit ${JSON.stringify(metric.unit)} of ${metric.name} is longer than ${maxUnitLength}`;
  }

  const value = metric.value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `value ${String(value)} of ${metric.name} is not finite`;
  } else if (typeof value !== 'string' || value.length === 0 || value.length > maxStateLength) {
    return `state ${JSON.stringify(value)} of ${metric.name} is empty or longer than ${maxStateLength}`;
  }
  return { nodeId, name: metric.name, unit: metric.unit, value, timeMs };
}
