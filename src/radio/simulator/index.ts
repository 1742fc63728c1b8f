export { startSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
export { startPtyPair, type PtyPair } from './pty-pair.js';
