export { decodeMySensorsLine, type MySensorsLine, type MySensorsMalformedReason, type MySensorsMessage } from './decode.js';
export { encodeMySensorsMessage, type MySensorsOutgoing } from './encode.js';
export { decodeMySensorsPacket, encodeMySensorsCommand, type MySensorsDecoded, type MySensorsDropReason } from './codec.js';
export * from './types.js';
