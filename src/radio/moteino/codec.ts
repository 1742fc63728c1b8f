import { decodeMoteinoLine, type MoteinoLine } from './decode.js';
import { encodeMoteinoCommand, type MoteinoCommandOptions } from './encode.js';

export interface MoteinoCodec {
  decode(line: string): MoteinoLine;
  /** Encodes a direct send to a node; throws GatehouseError PROTOCOL_COMMAND_INVALID. */
  encode(nodeId: number, payload: string): string;
  /** Returns the line with every ENCRYPTKEY value replaced, for logs and the live log. */
  redact(line: string): string;
}

/** The radio network's key may appear alone or inside a GATEWAYSTART banner. */
const encryptKeyPattern = /ENCRYPTKEY(?::\S*|\s+\S+)?/g;

/** Replace every ENCRYPTKEY value in `line`. */
export function redactMoteinoLine(line: string): string {
  return line.replace(encryptKeyPattern, 'ENCRYPTKEY:[redacted]');
}

/** Binds the command limits of one radio gateway to the moteino decode and encode functions. */
export function moteinoCodec(options: MoteinoCommandOptions = {}): MoteinoCodec {
  return {
    decode: decodeMoteinoLine,
    encode: (nodeId, payload) => encodeMoteinoCommand(nodeId, payload, options),
    redact: redactMoteinoLine,
  };
}
