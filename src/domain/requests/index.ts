export * from './request-machine.js';
