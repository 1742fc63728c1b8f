export { NodeRegistry } from './node-registry.js';
export type { NodePacket, DecodedMetric } from './packet.js';
export * from './node-types/index.js';
export * from './requests/index.js';
export * from './node-health.js';
