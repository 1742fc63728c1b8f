export { NodeRegistry } from './node-registry.js';
export type { NodePacket, DecodedMetric } from './packet.js';
