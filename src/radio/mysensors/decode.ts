import { commands, maxPayloadLength, type MySensorsCommand, typeName } from './types.js';

/** One message of the MySensors serial protocol: `node;child;command;ack;type;payload`. */
export interface MySensorsMessage {
  nodeId: number;
  childId: number;
  command: MySensorsCommand;
  /** On a line from the gateway, true marks the echo of a message sent with an ACK request. */
  ack: boolean;
  /** Type number under `command`, 0..255. */
  type: number;
  /** Name from the 2.x tables (such as V_TEMP), or null for a number they do not list. */
  typeName: string | null;
  /** Text as received, possibly empty; `;` stays inside it. Hex digits for a stream message. */
  payload: string;
}

/** Reason code of a malformed line; the hub counts drops under these codes. */
export type MySensorsMalformedReason =
  | 'empty'
  | 'nonPrintable'
  | 'fieldCount'
  | 'badNodeId'
  | 'badChildId'
  | 'badCommand'
  | 'badAck'
  | 'badType'
  | 'payloadTooLong'
  | 'badStreamPayload';

export type MySensorsLine = { kind: 'message'; message: MySensorsMessage } | { kind: 'malformed'; reason: MySensorsMalformedReason };

const printableAsciiPattern = /^[\x20-\x7e]*$/;
/** A byte-sized decimal field: 0..255 with no sign, no leading zero and no spaces. */
const byteFieldPattern = /^(?:0|[1-9]\d{0,2})$/;
const hexPattern = /^(?:[0-9A-Fa-f]{2})*$/;

/**
 * Decodes one framed line of the mysensors dialect. The line is split on `;` at most five times, so a
 * payload such as a position `52.1;4.3;12` stays whole. Never throws.
 */
export function decodeMySensorsLine(line: string): MySensorsLine {
  if (line.length === 0) {
    return malformed('empty');
  }
  if (!printableAsciiPattern.test(line)) {
    return malformed('nonPrintable');
  }

  const fields: string[] = [];
  let rest = line;
  for (let index = 0; index < 5; index += 1) {
    const separator = rest.indexOf(';');
    if (separator === -1) {
      return malformed('fieldCount');
    }
    fields.push(rest.slice(0, separator));
    rest = rest.slice(separator + 1);
  }
  const [node, child, command, ack, type] = fields as [string, string, string, string, string];
  const payload = rest;

  const nodeId = parseByte(node);
  if (nodeId === null) {
    return malformed('badNodeId');
  }
  const childId = parseByte(child);
  if (childId === null) {
    return malformed('badChildId');
  }
  const commandNumber = parseByte(command);
  const commandName = commandNumber === null ? undefined : commands[commandNumber];
  if (commandName === undefined) {
    return malformed('badCommand');
  }
  if (ack !== '0' && ack !== '1') {
    return malformed('badAck');
  }
  const typeNumber = parseByte(type);
  if (typeNumber === null) {
    return malformed('badType');
  }

  if (commandName === 'stream' && !hexPattern.test(payload)) {
    // A stream payload is the radio payload in hex, two digits per byte.
    return malformed('badStreamPayload');
  }
  if (payload.length > maxPayloadLength(nodeId, commandName)) {
    return malformed('payloadTooLong');
  }

  return {
    kind: 'message',
    message: { nodeId, childId, command: commandName, ack: ack === '1', type: typeNumber, typeName: typeName(commandName, typeNumber), payload },
  };
}

function parseByte(text: string): number | null {
  if (!byteFieldPattern.test(text)) {
    return null;
  }
  const value = Number(text);
  return value <= 255 ? value : null;
}

function malformed(reason: MySensorsMalformedReason): MySensorsLine {
  return { kind: 'malformed', reason };
}
