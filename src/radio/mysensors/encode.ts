import { GatehouseError } from '../../errors/index.js';
import { commands, maxPayloadLength, type MySensorsCommand } from './types.js';

/** A message the controller writes; the type is a number of the command's table. */
export interface MySensorsOutgoing {
  nodeId: number;
  childId: number;
  command: MySensorsCommand;
  ack: boolean;
  type: number;
  payload: string;
}

const printableAsciiPattern = /^[\x20-\x7e]*$/;
const hexPattern = /^(?:[0-9A-Fa-f]{2})*$/;

/**
 * Encodes a message as the line `node;child;command;ack;type;payload` (without LF). Throws
 * GatehouseError PROTOCOL_COMMAND_INVALID for a field out of range or a payload the radio cannot carry.
 */
export function encodeMySensorsMessage(message: MySensorsOutgoing): string {
  for (const [field, value] of [
    ['node id', message.nodeId],
    ['child id', message.childId],
    ['type', message.type],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 255) {
      throw invalid(`Invalid ${field} ${String(value)} for a mysensors message: use an integer from 0 to 255.`, { [field]: value });
    }
  }
  if (!printableAsciiPattern.test(message.payload)) {
    throw invalid(`Invalid payload ${JSON.stringify(message.payload)}: it contains a control or non-ASCII character. Use printable ASCII only.`, {
      payload: message.payload,
    });
  }
  const isStream = message.command === 'stream';
  if (isStream && !hexPattern.test(message.payload)) {
    throw invalid(`Invalid stream payload ${JSON.stringify(message.payload)}: use pairs of hex digits.`, { payload: message.payload });
  }
  const maxLength = maxPayloadLength(message.nodeId, message.command);
  if (message.payload.length > maxLength) {
    throw invalid(
      `Payload "${message.payload}" is ${message.payload.length} characters long, more than the ${maxLength} a mysensors message carries. Shorten it.`,
      { payload: message.payload, maxLength },
    );
  }
  const command = commands.indexOf(message.command);
  return `${message.nodeId};${message.childId};${command};${message.ack ? 1 : 0};${message.type};${message.payload}`;
}

export function invalid(message: string, context: Record<string, unknown>): GatehouseError {
  return new GatehouseError('PROTOCOL_COMMAND_INVALID', message, { context });
}
