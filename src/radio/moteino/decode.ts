import { genericMetricTable, type MetricTable } from '../../domain/node-types/index.js';
import type { NodePacket } from '../../domain/packet.js';
import { decodeGatewayLine, type GatewayMessage } from './gateway-line.js';
import { parseNodeId, type NodeIdProblem } from './node-id.js';
import { decodePayload, type RequestConfirmation } from './payload.js';

/** Reason code of a malformed line. The codes are stable because the hub counts drops under them. */
export type MalformedReason =
  | 'empty'
  | 'nonPrintable'
  | NodeIdProblem
  | 'emptyPayload'
  | 'badRssi'
  | 'badToken'
  | 'badGatewayValue'
  | 'gluedPackets'
  | 'garbage';

export type MoteinoLine =
  | {
      kind: 'packet';
      packet: NodePacket;
      /** The radio gateway acknowledged the packet because the node asked for it. */
      ackSent: boolean;
      /** Confirmations of requests queued for this node, such as `P_TXP:20:OK`. */
      confirmations: RequestConfirmation[];
    }
  | { kind: 'gateway'; message: GatewayMessage }
  | { kind: 'malformed'; reason: MalformedReason };

const printableAsciiPattern = /^[\x20-\x7e]*$/;
const packetPattern = /^\[([^\]]*)\](.*)$/;
const ackTailPattern = /\[ACK-sent\]$/;
/** RSSI tails: ` SS:-64` (buffered sketch) or `   [RSSI:-71]` (MightyHat and older sketches). */
const rssiTailPatterns = [/(?:^|\s)SS:([^\s\]]*)$/, /\[RSSI:([^\]]*)\]$/];
const rssiPattern = /^-?\d{1,3}$/;

/**
 * Chooses the metric table for a packet from node `nodeId`; `reportedType` is the node's own
 * `[TYPE:...]` token in this packet, or null.
 */
export type MetricTableLookup = (nodeId: number, reportedType: string | null) => MetricTable;

const genericLookup: MetricTableLookup = () => genericMetricTable;

/** A node's own type token, such as `[TYPE:MotionMote]`. */
const typeTokenPattern = /\[TYPE:([^\]\s]+)\]/;

/**
 * Decodes one framed line of the moteino dialect: a node packet `[<id>] <payload>[ SS:<rssi>]`,
 * a gateway line, or a malformed line with its reason. Payload tokens are read with the table that
 * `tables` returns for the node (every built-in token by default). Never throws, unless `tables` does.
 */
export function decodeMoteinoLine(line: string, tables: MetricTableLookup = genericLookup): MoteinoLine {
  const trimmed = line.trim();
  if (trimmed.length === 0) {
    return malformed('empty');
  }
  if (!printableAsciiPattern.test(trimmed)) {
    return malformed('nonPrintable');
  }

  const packet = packetPattern.exec(trimmed);
  if (packet === null) {
    if (trimmed.startsWith('[')) {
      return malformed('garbage');
    }
    const gateway = decodeGatewayLine(trimmed);
    return gateway.ok ? { kind: 'gateway', message: gateway.message } : malformed(gateway.reason);
  }

  const id = parseNodeId(packet[1] ?? '');
  if (!id.ok) {
    return malformed(id.reason);
  }
  return decodeNodePacket(id.nodeId, packet[2] ?? '', tables);
}

/** A packet header such as `[12]` (or `[-5]`, `[]`) inside a line, where a lost LF glued two packets. */
const gluedHeaderPattern = /\[-?\d*\]/;

function decodeNodePacket(nodeId: number, text: string, tables: MetricTableLookup): MoteinoLine {
  // Bracket tokens of a packet always start with a letter (`[TYPE:...]`, `[RSSI:...]`), so a header
  // inside the payload means a second packet, whose tokens and RSSI must not go to this node.
  if (gluedHeaderPattern.test(text)) {
    return malformed('gluedPackets');
  }
  let rest = text.trimEnd();

  const ackSent = ackTailPattern.test(rest);
  if (ackSent) {
    rest = rest.replace(ackTailPattern, '').trimEnd();
  }

  // The tails are matched at the end of the line only and `SS:` only as a whole token, so payload
  // tokens such as `GLASS:1` or `PRESS:1013` never turn into RSSI.
  let rssi: number | null = null;
  for (const pattern of rssiTailPatterns) {
    const match = pattern.exec(rest);
    if (match === null) {
      continue;
    }
    const value = match[1] ?? '';
    if (!rssiPattern.test(value)) {
      return malformed('badRssi');
    }
    rssi = Number(value);
    rest = rest.slice(0, match.index).trimEnd();
    break;
  }

  const payload = rest.trim();
  if (payload.length === 0) {
    return malformed('emptyPayload');
  }

  const reportedType = typeTokenPattern.exec(payload)?.[1] ?? null;
  const decoded = decodePayload(payload, tables(nodeId, reportedType));
  if (!decoded.ok) {
    return malformed('badToken');
  }
  return {
    kind: 'packet',
    packet: { nodeId, rssi, metrics: decoded.metrics },
    ackSent,
    confirmations: decoded.confirmations,
  };
}

function malformed(reason: MalformedReason): MoteinoLine {
  return { kind: 'malformed', reason };
}
