export * from './metric-table.js';
export * from './builtin-types.js';
export * from './catalog.js';
