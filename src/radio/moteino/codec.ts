import { decodeMoteinoLine, type MetricTableLookup, type MoteinoLine } from './decode.js';
import { encodeMoteinoCommand, encodeMoteinoRequest, encodeMoteinoRequestCancel, type MoteinoCommandOptions } from './encode.js';

export interface MoteinoCodec {
  /** Decodes one line; `tables` chooses each node's metric table (every built-in token by default). */
  decode(line: string, tables?: MetricTableLookup): MoteinoLine;
  /** Encodes a direct send to a node; throws GatehouseError PROTOCOL_COMMAND_INVALID. */
  encode(nodeId: number, payload: string): string;
  /** Encodes `RQ:<id>:<name>[:<value>]`; throws GatehouseError PROTOCOL_COMMAND_INVALID. */
  encodeRequest(nodeId: number, name: string, value: string | null): string;
  /** Encodes `<id>:VOID:<name>[:<value>]`; throws GatehouseError PROTOCOL_COMMAND_INVALID. */
  encodeRequestCancel(nodeId: number, name: string, value: string | null): string;
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
    decode: (line, tables) => decodeMoteinoLine(line, tables),
    encode: (nodeId, payload) => encodeMoteinoCommand(nodeId, payload, options),
    encodeRequest: (nodeId, name, value) => encodeMoteinoRequest(nodeId, name, value, options),
    encodeRequestCancel: (nodeId, name, value) => encodeMoteinoRequestCancel(nodeId, name, value, options),
    redact: redactMoteinoLine,
  };
}
