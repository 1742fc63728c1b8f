export { loadConfig, parseConfig, describeIssue, type LoadedConfig } from './load.js';
export { configSchema, baudRates, type Config } from './schema.js';
