/** RFM69 node addresses are 10 bits wide, and 0 is not a node. */
export const minNodeId = 1;
export const maxNodeId = 1023;

export type NodeIdProblem = 'missingId' | 'badId' | 'idOutOfRange';

export type NodeIdResult = { ok: true; nodeId: number } | { ok: false; reason: NodeIdProblem };

/** Parses a decimal node id such as the `11` of `[11]`. */
export function parseNodeId(text: string): NodeIdResult {
  if (text.length === 0) {
    return { ok: false, reason: 'missingId' };
  }
  if (!/^\d+$/.test(text)) {
    return { ok: false, reason: 'badId' };
  }
  const nodeId = Number(text);
  if (nodeId < minNodeId || nodeId > maxNodeId) {
    return { ok: false, reason: 'idOutOfRange' };
  }
  return { ok: true, nodeId };
}
