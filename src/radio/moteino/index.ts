export { decodeMoteinoLine, type MalformedReason, type MetricTableLookup, type MoteinoLine } from './decode.js';
export { encodeMoteinoCommand, encodeMoteinoRequest, encodeMoteinoRequestCancel, defaultGatewayId, defaultMaxCommandLength, type MoteinoCommandOptions } from './encode.js';
export type { GatewayMessage } from './gateway-line.js';
export type { RequestConfirmation } from './payload.js';
export { maxNodeId, minNodeId } from './node-id.js';
export { parseStrictNumber } from './metric-table.js';
export { moteinoCodec, redactMoteinoLine, type MoteinoCodec } from './codec.js';
