import type { SerialPort } from 'serialport';
import type { Logger } from '../../log/logger.js';
import { LineFramer } from '../framer.js';
import { decodeMySensorsLine, encodeMySensorsMessage, internal, type MySensorsOutgoing } from '../mysensors/index.js';
import type { Random } from './nodes.js';
import type { PtyPair } from './pty-pair.js';

/** The library version the simulated gateway and nodes report. */
const libraryVersion = '2.3.2';

interface SimulatedSensor {
  childId: number;
  /** Presentation type number (S_TEMP is 6). */
  presentation: number;
  description: string;
  /** Value type number of its reports (V_TEMP is 0). */
  valueType: number;
  /** Returns the next value it reports. */
  next: (random: Random) => string;
}

interface SimulatedMySensorsNode {
  /** Node id, or null until the controller assigned one. */
  id: number | null;
  sketch: string;
  sensors: SimulatedSensor[];
  battery: number;
  /** Child id and value of the relay a set message switches, when the node has one. */
  relay: { childId: number; value: string } | null;
}

function createNodes(): SimulatedMySensorsNode[] {
  let temperature = 21.4;
  let humidity = 63;
  return [
    {
      id: 7,
      sketch: 'Greenhouse',
      battery: 87,
      relay: { childId: 3, value: '0' },
      sensors: [
        {
          childId: 1,
          presentation: 6,
          description: 'Air temperature',
          valueType: 0,
          next: (random) => {
            temperature = Math.min(35, Math.max(5, temperature + (random() * 2 - 1) * 0.3));
            return temperature.toFixed(1);
          },
        },
        {
          childId: 2,
          presentation: 7,
          description: '',
          valueType: 1,
          next: (random) => {
            humidity = Math.min(99, Math.max(20, humidity + Math.round((random() * 2 - 1) * 2)));
            return String(humidity);
          },
        },
      ],
    },
    {
      id: 12,
      sketch: 'Hall motion',
      battery: 64,
      relay: null,
      sensors: [{ childId: 0, presentation: 1, description: 'Hall motion', valueType: 16, next: (random) => (random() < 0.3 ? '1' : '0') }],
    },
    // A new node without an id: it requests one from the controller when it boots.
    {
      id: null,
      sketch: 'Mailbox',
      battery: 92,
      relay: null,
      sensors: [{ childId: 0, presentation: 0, description: 'Mailbox flap', valueType: 16, next: (random) => (random() < 0.2 ? '1' : '0') }],
    },
  ];
}

/**
 * A simulated MySensors serial gateway (protocol 2.x) with three nodes. It prints the start-up line
 * and responds to I_VERSION. Once the controller is first heard, the nodes present themselves and the
 * node without an id requests one. Then one node reports its values every `intervalMs`, and a set
 * message to the relay of node 7 switches it.
 */
export class MySensorsGatewaySimulator {
  readonly #port: SerialPort;
  readonly #pair: PtyPair;
  readonly #logger: Logger;
  readonly #random: Random;
  readonly #intervalMs: number;
  readonly #nodes = createNodes();
  readonly #commandListeners = new Set<(line: string) => void>();
  #interval: NodeJS.Timeout | null = null;
  #next = 0;
  #stopped = false;
  #nodesBooted = false;

  constructor(options: { port: SerialPort; pair: PtyPair; logger: Logger; random?: Random; intervalMs: number }) {
    this.#port = options.port;
    this.#pair = options.pair;
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
    this.#intervalMs = options.intervalMs;
  }

  start(): void {
    const framer = new LineFramer((line) => this.#onCommand(line));
    this.#port.on('data', (chunk: Buffer) => framer.push(chunk));
    this.#port.on('error', (error) => this.#logger.warn({ err: error }, 'simulator port error'));
    this.#sendInternal(0, internal.gatewayReady, 'Gateway startup complete.');
    if (this.#intervalMs > 0) {
      this.#interval = setInterval(() => this.#reportNext(), this.#intervalMs);
    }
    this.#logger.info({ devicePath: this.#pair.devicePath, dialect: 'mysensors' }, 'simulated radio gateway started');
  }

  onCommand(listener: (line: string) => void): () => void {
    this.#commandListeners.add(listener);
    return () => this.#commandListeners.delete(listener);
  }

  async writeRaw(line: string | Uint8Array): Promise<void> {
    const bytes = typeof line === 'string' ? Buffer.from(line, 'latin1') : Buffer.from(line);
    await new Promise<void>((resolve, reject) => {
      this.#port.write(Buffer.concat([bytes, Buffer.from('\n')]), (error) => (error ? reject(error) : resolve()));
    });
    await new Promise<void>((resolve, reject) => this.#port.drain((error) => (error ? reject(error) : resolve())));
  }

  async stop(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    this.#stopped = true;
    if (this.#interval !== null) {
      clearInterval(this.#interval);
    }
    this.#commandListeners.clear();
    if (this.#port.isOpen) {
      await new Promise<void>((resolve) => this.#port.close(() => resolve()));
    }
    await this.#pair.stop();
    this.#logger.info({ devicePath: this.#pair.devicePath }, 'simulated radio gateway stopped');
  }

  #onCommand(line: string): void {
    for (const listener of this.#commandListeners) {
      listener(line);
    }
    // Lines written before the host opened its end of the pty are lost, so the nodes boot (present
    // themselves, request an id) once the controller is first heard.
    if (!this.#nodesBooted) {
      this.#nodesBooted = true;
      this.#bootNodes();
    }
    const decoded = decodeMySensorsLine(line);
    if (decoded.kind === 'malformed') {
      this.#logger.debug({ line, reason: decoded.reason }, 'simulator ignored a malformed line');
      return;
    }
    const { message } = decoded;
    if (message.nodeId === 0 && message.command === 'internal' && message.type === internal.version) {
      this.#sendInternal(0, internal.version, libraryVersion);
      return;
    }
    if (message.nodeId === 255 && message.command === 'internal' && message.type === internal.idResponse) {
      const waiting = this.#nodes.find((node) => node.id === null);
      if (waiting !== undefined) {
        waiting.id = Number(message.payload);
        this.#present(waiting);
      }
      return;
    }
    const node = this.#nodes.find((candidate) => candidate.id === message.nodeId);
    if (node?.relay != null && message.command === 'set' && message.childId === node.relay.childId && message.type === 2) {
      node.relay.value = message.payload;
      // The node reports its new state, as a relay sketch does after switching.
      this.#send({ nodeId: message.nodeId, childId: message.childId, command: 'set', ack: false, type: 2, payload: message.payload });
    }
  }

  #bootNodes(): void {
    for (const node of this.#nodes) {
      if (node.id === null) {
        this.#send({ nodeId: 255, childId: 255, command: 'internal', ack: false, type: internal.idRequest, payload: '' });
      } else {
        this.#present(node);
      }
    }
  }

  #present(node: SimulatedMySensorsNode): void {
    const id = node.id;
    if (id === null) {
      return;
    }
    this.#send({ nodeId: id, childId: 255, command: 'presentation', ack: false, type: 17, payload: libraryVersion });
    this.#sendInternal(id, internal.sketchName, node.sketch);
    for (const sensor of node.sensors) {
      this.#send({ nodeId: id, childId: sensor.childId, command: 'presentation', ack: false, type: sensor.presentation, payload: sensor.description });
    }
    if (node.relay !== null) {
      this.#send({ nodeId: id, childId: node.relay.childId, command: 'presentation', ack: false, type: 3, payload: 'Pump relay' });
    }
  }

  #reportNext(): void {
    const ready = this.#nodes.filter((node) => node.id !== null);
    const node = ready[this.#next % Math.max(1, ready.length)];
    this.#next += 1;
    if (node?.id == null) {
      return;
    }
    for (const sensor of node.sensors) {
      this.#send({ nodeId: node.id, childId: sensor.childId, command: 'set', ack: false, type: sensor.valueType, payload: sensor.next(this.#random) });
    }
    node.battery = Math.max(0, node.battery - (this.#random() < 0.1 ? 1 : 0));
    this.#sendInternal(node.id, internal.batteryLevel, String(node.battery));
  }

  #sendInternal(nodeId: number, type: number, payload: string): void {
    this.#send({ nodeId, childId: 255, command: 'internal', ack: false, type, payload });
  }

  #send(message: MySensorsOutgoing): void {
    if (this.#stopped || !this.#port.isOpen) {
      return;
    }
    this.#port.write(`${encodeMySensorsMessage(message)}\n`);
  }
}
