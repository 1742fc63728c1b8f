export { decodeMoteinoLine, type MalformedReason, type MoteinoLine } from './decode.js';
export { encodeMoteinoCommand, defaultGatewayId, defaultMaxCommandLength, type MoteinoCommandOptions } from './encode.js';
export type { GatewayMessage } from './gateway-line.js';
export type { RequestConfirmation } from './payload.js';
export { maxNodeId, minNodeId } from './node-id.js';
export { parseStrictNumber } from './metric-table.js';
export { moteinoCodec, redactMoteinoLine, type MoteinoCodec } from './codec.js';
