import { GatehouseError } from '../../errors/index.js';
import { maxNodeId, minNodeId } from './node-id.js';

export interface MoteinoCommandOptions {
  /** Node id of the radio gateway itself, which cannot be a target. Default 1. */
  gatewayId?: number;
  /**
   * Maximum command line length the firmware takes, in characters without the LF. Default 24 (the buffered
   * gateway sketch); MightyHat takes 64. A longer line is cut by the firmware and its rest runs as a
   * second command, so it is rejected here instead.
   */
  maxLineLength?: number;
}

export const defaultGatewayId = 1;
export const defaultMaxCommandLength = 24;

const printableAsciiPattern = /^[\x20-\x7e]+$/;

/**
 * Encodes a direct send to a node as the line `<id>:<payload>` (without LF). Throws GatehouseError
 * PROTOCOL_COMMAND_INVALID when the radio gateway cannot take the command.
 */
export function encodeMoteinoCommand(nodeId: number, payload: string, options: MoteinoCommandOptions = {}): string {
  const gatewayId = options.gatewayId ?? defaultGatewayId;
  const maxLineLength = options.maxLineLength ?? defaultMaxCommandLength;

  if (!Number.isInteger(nodeId) || nodeId < minNodeId || nodeId > maxNodeId) {
    throw invalid(
      `Invalid node id ${String(nodeId)}: a moteino node id is an integer from ${minNodeId} to ${maxNodeId}. Use the id the node reports in its packets.`,
      { nodeId },
    );
  }
  if (nodeId === gatewayId) {
    throw invalid(
      `Invalid node id ${nodeId}: it is the radio gateway's own id. Send to a node id other than ${gatewayId}.`,
      { nodeId, gatewayId },
    );
  }
  if (payload.length === 0) {
    throw invalid(`Missing payload for node ${nodeId}: the command is empty. Give a payload such as "OPN".`, { nodeId });
  }
  if (!printableAsciiPattern.test(payload)) {
    throw invalid(
      `Invalid payload ${JSON.stringify(payload)} for node ${nodeId}: it contains a control or non-ASCII character. Use printable ASCII only.`,
      { nodeId, payload },
    );
  }

  const line = `${nodeId}:${payload}`;
  if (line.length > maxLineLength) {
    throw invalid(
      `Command "${line}" is ${line.length} characters long, more than the radio gateway's maximum of ${maxLineLength}. Shorten the payload.`,
      { nodeId, payload, maxLineLength },
    );
  }
  return line;
}

function invalid(message: string, context: Record<string, unknown>): GatehouseError {
  return new GatehouseError('PROTOCOL_COMMAND_INVALID', message, { context });
}
