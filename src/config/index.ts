export { loadConfig, parseConfig, describeIssue, type LoadedConfig } from './load.js';
export { configSchema, baudRates, type Config } from './schema.js';
export { planReload, flattenConfig, type ConfigReader, type LiveKey, type ReloadPlan } from './reload-plan.js';
export { dialects, moteinoCommandLengths, parseTcpEndpoint, type Dialect, type RadioConfig, type RadioGatewayConfig, type TcpEndpoint } from './radio-schema.js';
