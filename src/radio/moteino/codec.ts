import { decodeMoteinoLine, type MoteinoLine } from './decode.js';
import { encodeMoteinoCommand, type MoteinoCommandOptions } from './encode.js';

export interface MoteinoCodec {
  decode(line: string): MoteinoLine;
  /** Encodes a direct send to a node; throws GatehouseError PROTOCOL_COMMAND_INVALID. */
  encode(nodeId: number, payload: string): string;
}

/** Binds the command limits of one radio gateway to the moteino decode and encode functions. */
export function moteinoCodec(options: MoteinoCommandOptions = {}): MoteinoCodec {
  return {
    decode: decodeMoteinoLine,
    encode: (nodeId, payload) => encodeMoteinoCommand(nodeId, payload, options),
  };
}
