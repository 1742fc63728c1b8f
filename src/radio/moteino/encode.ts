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

/**
 * A request name as the node sketches print it (`P_TXP`). The node confirms with `NAME:value:OK`,
 * which the decoder splits at colons, so neither the name nor the value may contain one.
 */
const requestNamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Printable ASCII without space, colon or brackets, which would split or bracket the token. */
const requestValuePattern = /^[\x21-\x39\x3b-\x5a\x5c\x5e-\x7e]+$/;

/**
 * Encodes a request queued on the radio gateway for a sleeping node, `RQ:<id>:<name>[:<value>]`.
 * The gateway delivers it in the ACK of the node's next transmission. Throws
 * PROTOCOL_COMMAND_INVALID when the radio gateway or the node cannot take it.
 */
export function encodeMoteinoRequest(nodeId: number, name: string, value: string | null, options: MoteinoCommandOptions = {}): string {
  const setting = checkRequest(nodeId, name, value, options);
  return checkLength(`RQ:${nodeId}:${setting}`, { nodeId, name }, options);
}

/** Encodes the removal of a queued request from the radio gateway's queue, `<id>:VOID:<name>[:<value>]`. */
export function encodeMoteinoRequestCancel(nodeId: number, name: string, value: string | null, options: MoteinoCommandOptions = {}): string {
  const setting = checkRequest(nodeId, name, value, options);
  return checkLength(`${nodeId}:VOID:${setting}`, { nodeId, name }, options);
}

/** Checks the target and the parts of a request; returns `<name>[:<value>]`. */
function checkRequest(nodeId: number, name: string, value: string | null, options: MoteinoCommandOptions): string {
  // The id checks are those of a direct send. The placeholder payload passes the payload checks.
  encodeMoteinoCommand(nodeId, 'X', { ...options, maxLineLength: Number.MAX_SAFE_INTEGER });
  if (!requestNamePattern.test(name)) {
    throw invalid(
      `Invalid request name ${JSON.stringify(name)} for node ${nodeId}: expected a letter, then letters, digits or "_", such as "P_TXP".`,
      { nodeId, name },
    );
  }
  if (value !== null && !requestValuePattern.test(value)) {
    throw invalid(
      `Invalid request value ${JSON.stringify(value)} for node ${nodeId}: use printable ASCII without spaces, ":", "[" or "]".`,
      { nodeId, name, value },
    );
  }
  return value === null ? name : `${name}:${value}`;
}

function checkLength(line: string, context: Record<string, unknown>, options: MoteinoCommandOptions): string {
  const maxLineLength = options.maxLineLength ?? defaultMaxCommandLength;
  if (line.length > maxLineLength) {
    throw invalid(
      `Request "${line}" is ${line.length} characters long, more than the radio gateway's maximum of ${maxLineLength}. Shorten the name or value.`,
      { ...context, maxLineLength },
    );
  }
  return line;
}
