import type { NodePacket } from '../../domain/packet.js';
import { decodeMySensorsLine, type MySensorsMalformedReason, type MySensorsMessage } from './decode.js';
import { encodeMySensorsMessage, invalid } from './encode.js';
import { batteryMetric, valueMetric } from './metrics.js';
import { internal, maxNodeId, minNodeId, typeNumber } from './types.js';

/** Reasons a well-formed message still cannot become node state. */
export type MySensorsDropReason = MySensorsMalformedReason | 'nodeIdOutOfRange' | 'badValue';

/** Result of decoding one mysensors line for the hub. */
export type MySensorsDecoded =
  | { kind: 'packet'; packet: NodePacket; message: MySensorsMessage }
  | { kind: 'gateway'; message: MySensorsMessage }
  | { kind: 'malformed'; reason: MySensorsDropReason };

/**
 * Decodes a line into node state. A set message from a node (1..254) or its battery level becomes a
 * packet with one metric. Every other message is a gateway message for the controller session:
 * presentation, req, other internal and stream messages, and the gateway's own lines. Never throws.
 */
export function decodeMySensorsPacket(line: string): MySensorsDecoded {
  const decoded = decodeMySensorsLine(line);
  if (decoded.kind === 'malformed') {
    return decoded;
  }
  const { message } = decoded;
  const isBattery = message.command === 'internal' && message.type === internal.batteryLevel;
  if (message.command !== 'set' && !isBattery) {
    return { kind: 'gateway', message };
  }
  if (message.nodeId < minNodeId || message.nodeId > maxNodeId) {
    return { kind: 'malformed', reason: 'nodeIdOutOfRange' };
  }
  const metric = isBattery ? batteryMetric(message.payload) : valueMetric(message.childId, message.type, message.payload);
  if (metric === null) {
    return { kind: 'malformed', reason: 'badValue' };
  }
  // NOTE: the serial API carries no RSSI with a message; I_SIGNAL_REPORT_REQUEST could fetch it.
  return { kind: 'packet', packet: { nodeId: message.nodeId, rssi: null, metrics: [metric] }, message };
}

const directSendPattern = /^(\d{1,3});([A-Z_0-9]+);(.*)$/s;

/**
 * Encodes a direct send as a set message. The payload is `<child>;<value type>;<value>`, the type
 * given by name (V_STATUS) or number (2): `3;V_STATUS;1` to node 7 becomes `7;3;1;0;2;1`. Throws
 * GatehouseError PROTOCOL_COMMAND_INVALID.
 */
export function encodeMySensorsCommand(nodeId: number, payload: string): string {
  if (!Number.isInteger(nodeId) || nodeId < minNodeId || nodeId > maxNodeId) {
    throw invalid(`Invalid node id ${String(nodeId)}: a mysensors node id is an integer from ${minNodeId} to ${maxNodeId}.`, { nodeId });
  }
  const match = directSendPattern.exec(payload);
  if (match === null) {
    throw invalid(`Invalid mysensors command ${JSON.stringify(payload)}: use "<child>;<value type>;<value>", such as "3;V_STATUS;1".`, { nodeId, payload });
  }
  const childId = Number(match[1]);
  const typeText = match[2] ?? '';
  const type = /^\d+$/.test(typeText) ? Number(typeText) : typeNumber('set', typeText);
  if (type === null) {
    throw invalid(`Unknown value type "${typeText}" in a mysensors command: use a V_ name such as V_STATUS or its number.`, { nodeId, payload });
  }
  return encodeMySensorsMessage({ nodeId, childId, command: 'set', ack: false, type, payload: match[3] ?? '' });
}
