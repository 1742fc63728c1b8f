import type { Node } from '../protocol/index.js';
import type { NodeType } from './node-types/index.js';

/** Returns whether `node` has been silent longer than its type's offline time at `now`. */
export function isSilent(node: Node, type: NodeType, now: Date): boolean {
  return now.getTime() - Date.parse(node.lastSeen) > type.offlineAfterMinutes * 60_000;
}

/**
 * Returns whether the node's battery metric is under its type's threshold. A type without a threshold, or a
 * node without a numeric battery reading, is never low.
 */
export function isBatteryLow(node: Node, type: NodeType): boolean {
  if (type.battery === null) {
    return false;
  }
  const reading = node.metrics[type.battery.metric];
  return typeof reading?.value === 'number' && reading.value < type.battery.lowBelow;
}
