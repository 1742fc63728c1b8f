import { SerialPort } from 'serialport';
import type { Logger } from '../../log/logger.js';
import { LineFramer } from '../framer.js';
import { MySensorsGatewaySimulator } from './mysensors-simulator.js';
import { createSimulatedNodes, type Random, type SimulatedNode } from './nodes.js';
import { startPtyPair, type PtyPair } from './pty-pair.js';

export interface SimulatorOptions {
  /** Path of the link the host opens as its serial port. The simulator's end is `<devicePath>.sim`. */
  devicePath: string;
  /** Milliseconds between periodic node packets. With 0 only commands and writeRaw produce lines. */
  intervalMs: number;
  logger: Logger;
  /** Random source in [0, 1) for node values and RSSI. Default Math.random. */
  random?: Random;
  /** Milliseconds a garage door takes from OPENING to STS:OPN. Default 3000. */
  garageTravelMs?: number;
  /** Dialect the simulated radio gateway speaks. Default moteino. */
  dialect?: 'moteino' | 'mysensors';
}

export interface Simulator {
  devicePath: string;
  /** Writes `line` and an LF to the host as if the radio gateway printed it, with bytes unchanged. */
  writeRaw(line: string | Uint8Array): Promise<void>;
  /** Calls `listener` with every line the host writes and returns a function that removes it. */
  onCommand(listener: (line: string) => void): () => void;
  /** Stops the timers, closes the port and ends socat. */
  stop(): Promise<void>;
}

const gatewayFrequencyHz = 915_000_000;
const networkId = 100;

/**
 * Starts a simulated radio gateway on a socat pseudo-terminal pair. With the mysensors dialect it is a
 * MySensorsGatewaySimulator; otherwise a Moteino gateway speaking the moteino dialect. It prints GATEWAYSTART, then a packet from one of its nodes every `intervalMs`, in turn. A
 * direct send `<id>:<payload>` gets ACK:OK from a known node and ACK:NOK otherwise, and the board
 * itself replies to UPTIME, FREERAM, SYSFREQ, NETID and the RQ commands.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const pair = await startPtyPair(options.devicePath);
  const port = new SerialPort({ path: pair.peerPath, baudRate: 115200, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  } catch (error) {
    await pair.stop();
    throw error;
  }

  const simulator =
    options.dialect === 'mysensors'
      ? new MySensorsGatewaySimulator({ port, pair, logger: options.logger, intervalMs: options.intervalMs, ...(options.random === undefined ? {} : { random: options.random }) })
      : new RadioGatewaySimulator(options, pair, port);
  simulator.start();
  return {
    devicePath: options.devicePath,
    writeRaw: (line) => simulator.writeRaw(line),
    onCommand: (listener) => simulator.onCommand(listener),
    stop: () => simulator.stop(),
  };
}

/** Built-in node type names of the simulated node kinds; a plain door sensor has none. */
const typeNames: Readonly<Record<string, string>> = {
  motion: 'MotionMote',
  garage: 'GarageMote',
  weather: 'WeatherMote',
  sonar: 'SonarMote',
  waterMeter: 'WaterMote',
  switch: 'SwitchMote',
  doorbell: 'DoorBellMote',
};

/** A node adds its [TYPE:...] tag to its first report and then to every this many. */
const typeTagEvery = 10;

class RadioGatewaySimulator {
  readonly #options: SimulatorOptions;
  readonly #pair: PtyPair;
  readonly #port: SerialPort;
  readonly #logger: Logger;
  readonly #random: Random;
  readonly #nodes: Map<number, SimulatedNode>;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #commandListeners = new Set<(line: string) => void>();
  /** Requests queued for sleeping nodes, delivered with the node's next packet. */
  readonly #queue: { nodeId: number; name: string; value: string | null }[] = [];
  readonly #startedAt = Date.now();
  #interval: NodeJS.Timeout | null = null;
  #nextNode = 0;
  /** Periodic reports sent so far, per node id. */
  readonly #reportCounts = new Map<number, number>();
  #stopped = false;

  constructor(options: SimulatorOptions, pair: PtyPair, port: SerialPort) {
    this.#options = options;
    this.#pair = pair;
    this.#port = port;
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
    this.#nodes = new Map(createSimulatedNodes(options.garageTravelMs ?? 3000).map((node) => [node.id, node]));
  }

  start(): void {
    const framer = new LineFramer((line) => this.#onCommand(line));
    this.#port.on('data', (chunk: Buffer) => framer.push(chunk));
    this.#port.on('error', (error) => this.#logger.warn({ err: error }, 'simulator port error'));
    this.#send(`GATEWAYSTART SYSFREQ:${gatewayFrequencyHz}`);
    if (this.#options.intervalMs > 0) {
      this.#interval = setInterval(() => this.#reportNext(), this.#options.intervalMs);
    }
    this.#logger.info({ devicePath: this.#pair.devicePath, nodes: [...this.#nodes.keys()] }, 'simulated radio gateway started');
  }

  async writeRaw(line: string | Uint8Array): Promise<void> {
    const bytes = typeof line === 'string' ? Buffer.from(line, 'latin1') : Buffer.from(line);
    await new Promise<void>((resolve, reject) => {
      this.#port.write(Buffer.concat([bytes, Buffer.from('\n')]), (error) => (error ? reject(error) : resolve()));
    });
    await new Promise<void>((resolve, reject) => this.#port.drain((error) => (error ? reject(error) : resolve())));
  }

  onCommand(listener: (line: string) => void): () => void {
    this.#commandListeners.add(listener);
    return () => this.#commandListeners.delete(listener);
  }

  async stop(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    this.#stopped = true;
    if (this.#interval !== null) {
      clearInterval(this.#interval);
    }
    for (const timer of this.#timers) {
      clearTimeout(timer);
    }
    this.#timers.clear();
    this.#commandListeners.clear();
    if (this.#port.isOpen) {
      await new Promise<void>((resolve) => this.#port.close(() => resolve()));
    }
    await this.#pair.stop();
    this.#logger.info({ devicePath: this.#pair.devicePath }, 'simulated radio gateway stopped');
  }

  /** Sends the periodic packet of the next node, round robin, and any requests queued for it. */
  #reportNext(): void {
    const nodes = [...this.#nodes.values()];
    const node = nodes[this.#nextNode % nodes.length];
    this.#nextNode += 1;
    if (node === undefined) {
      return;
    }
    // Like the LowPowerLab sketches that announce themselves, a node names its type in its first
    // packet and now and then after that, so a hub started later learns it too.
    const reports = this.#reportCounts.get(node.id) ?? 0;
    this.#reportCounts.set(node.id, reports + 1);
    const typeName = typeNames[node.kind];
    const typeTag = typeName !== undefined && reports % typeTagEvery === 0 ? ` [TYPE:${typeName}]` : '';
    this.#sendPacket(node, `${node.report(this.#random)}${typeTag}`);
    for (const request of this.#takeQueued(node.id)) {
      const value = request.value === null ? '' : `:${request.value}`;
      this.#sendPacket(node, `${request.name}${value}:OK`);
    }
  }

  #onCommand(line: string): void {
    this.#logger.debug({ line }, 'simulator received a command');
    for (const listener of this.#commandListeners) {
      listener(line);
    }

    const reply = this.#boardReply(line);
    if (reply !== null) {
      reply.forEach((text) => this.#send(text));
      return;
    }

    const direct = /^(\d{1,4}):(.+)$/.exec(line);
    if (direct === null) {
      this.#logger.debug({ line }, 'simulator ignored an unknown command');
      return;
    }
    const nodeId = Number(direct[1]);
    const payload = direct[2] ?? '';
    if (payload.startsWith('VOID')) {
      this.#takeQueued(nodeId);
      return;
    }
    const node = this.#nodes.get(nodeId);
    if (node === undefined) {
      this.#send('ACK:NOK');
      return;
    }
    this.#send('ACK:OK');
    for (const reaction of node.react(payload)) {
      this.#later(reaction.afterMs, () => {
        const reply = reaction.payload();
        if (reply !== null) {
          this.#sendPacket(node, reply);
        }
      });
    }
  }

  /** Returns the board's own reply lines to a keyword or RQ command, or null for a direct send. */
  #boardReply(line: string): string[] | null {
    switch (line) {
      case 'UPTIME':
        return [`UPTIME:${Date.now() - this.#startedAt}`];
      case 'FREERAM':
        return [`FREERAM:${1100 + Math.floor(this.#random() * 150)}:2048`];
      case 'SYSFREQ':
        return [`SYSFREQ:${gatewayFrequencyHz}`];
      case 'NETID':
        return [`NETWORKID:${networkId}`];
      case 'RQ':
        return this.#queue.map((request) => `RQ:${request.nodeId}:${request.name}${request.value === null ? '' : `:${request.value}`}`);
      case 'RQ:VOID':
        this.#queue.length = 0;
        return ['REQUESTQUEUE:VOID'];
      default:
        break;
    }
    const request = /^RQ:(\d{1,4}):([^:]+)(?::(.+))?$/.exec(line);
    if (request === null) {
      return null;
    }
    this.#queue.push({ nodeId: Number(request[1]), name: request[2] ?? '', value: request[3] ?? null });
    // NOTE: the echo of a queued request is this simulator's choice, not taken from a firmware trace.
    return [line];
  }

  #takeQueued(nodeId: number): { name: string; value: string | null }[] {
    const taken = this.#queue.filter((request) => request.nodeId === nodeId);
    const kept = this.#queue.filter((request) => request.nodeId !== nodeId);
    this.#queue.splice(0, this.#queue.length, ...kept);
    return taken;
  }

  #sendPacket(node: SimulatedNode, payload: string): void {
    const rssi = Math.round(node.rssiDbm + (this.#random() * 2 - 1) * 4);
    this.#send(`[${node.id}] ${payload} SS:${rssi}`);
  }

  #send(line: string): void {
    if (this.#stopped || !this.#port.isOpen) {
      return;
    }
    this.#port.write(`${line}\n`);
  }

  #later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, delayMs);
    this.#timers.add(timer);
  }
}
