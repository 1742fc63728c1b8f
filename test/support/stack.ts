import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { freePort, gatehouseBin, RunningProcess, runGatehouse } from './processes.js';
import { PtyPair } from './pty-pair.js';

export const users = {
  admin: { name: 'alice', password: 'alice-password-1', role: 'admin' },
  operator: { name: 'olivia', password: 'olivia-password-1', role: 'operator' },
  viewer: { name: 'victor', password: 'victor-password-1', role: 'viewer' },
} as const;

/** A radio gateway besides the first (moteino) one: a pty pair of its own unless `port` is given. */
export interface ExtraRadio {
  name: string;
  dialect: 'moteino' | 'mysensors';
  /** A device path or tcp://host:port; without it the stack starts a pty pair at `<dir>/<name>`. */
  port?: string;
  probeIntervalSeconds?: number;
}

export interface StackOptions {
  /** More radio gateways; with any, `radio:` is written as a list with the first one named "radio". */
  extraRadios?: ExtraRadio[];
  /** Run hub and front inside this network namespace (the test creates and removes it). */
  netns?: string;
  /** front.listenAddress; 127.0.0.1 unless a test needs the front on every address of a namespace. */
  listenAddress?: string;
}

export interface Credentials {
  name: string;
  password: string;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A whole Gatehouse on this machine, as a user runs it: the real CLI, a front and a hub process,
 * three users made with `gatehouse user add`, and a socat pseudo-terminal as the radio gateway.
 */
export class Stack {
  readonly dir: string;
  readonly dataDir: string;
  readonly configFile: string;
  readonly ports: { http: number; https: number; hub: number };
  readonly radio: PtyPair;
  /** Pty pairs of the extra radio gateways without a port of their own, by name. */
  readonly radios = new Map<string, PtyPair>();
  hub: RunningProcess | null = null;
  front: RunningProcess | null = null;
  #ca = '';

  readonly #options: StackOptions;

  private constructor(dir: string, ports: Stack['ports'], options: StackOptions) {
    this.#options = options;
    this.dir = dir;
    this.dataDir = path.join(dir, 'data');
    this.configFile = path.join(dir, 'gatehouse.yaml');
    this.ports = ports;
    this.radio = new PtyPair(path.join(dir, 'radio'));
    for (const extra of options.extraRadios ?? []) {
      if (extra.port === undefined) {
        this.radios.set(extra.name, new PtyPair(path.join(dir, extra.name)));
      }
    }
  }

  /** Create the folder, config and users, start the pty pair, the hub and the front. */
  static async start(options: StackOptions = {}): Promise<Stack> {
    const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-stack-'));
    const stack = new Stack(dir, { http: await freePort(), https: await freePort(), hub: await freePort() }, options);
    await stack.#writeConfig();
    for (const user of Object.values(users)) {
      const result = await runGatehouse(['user', 'add', user.name, '--role', user.role, '--password-stdin', '--config', stack.configFile], `${user.password}\n`);
      if (result.code !== 0) {
        throw new Error(`user add failed: ${result.stderr}`);
      }
    }
    await stack.radio.start();
    for (const pair of stack.radios.values()) {
      await pair.start();
    }
    await stack.startHub();
    await stack.startFront();
    return stack;
  }

  async #writeConfig(): Promise<void> {
    const yaml = [
      'dataDir: ./data',
      'front:',
      `  listenAddress: ${this.#options.listenAddress ?? '127.0.0.1'}`,
      `  httpPort: ${this.ports.http}`,
      `  httpsPort: ${this.ports.https}`,
      // Every test client is 127.0.0.1, so the default 5 failures would delay later tests' logins.
      '  loginLimits:',
      '    freeFailures: 100',
      'hub:',
      `  port: ${this.ports.hub}`,
      '  pingIntervalSeconds: 5',
      ...this.#radioYaml(),
      'log:',
      '  level: debug',
      '',
    ].join('\n');
    await writeFile(this.configFile, yaml);
  }

  #radioYaml(): string[] {
    const extras = this.#options.extraRadios ?? [];
    if (extras.length === 0) {
      return ['radio:', `  port: ${this.radio.devicePath}`, '  baudRate: 115200', '  dialect: moteino'];
    }
    const lines = ['radio:', '  - name: radio', `    port: ${this.radio.devicePath}`, '    dialect: moteino'];
    for (const extra of extras) {
      lines.push(`  - name: ${extra.name}`, `    port: ${extra.port ?? this.radios.get(extra.name)?.devicePath ?? ''}`, `    dialect: ${extra.dialect}`);
      if (extra.probeIntervalSeconds !== undefined) {
        lines.push(`    probeIntervalSeconds: ${extra.probeIntervalSeconds}`);
      }
    }
    return lines;
  }

  async startHub(): Promise<void> {
    this.hub = this.#spawn(['hub', '--config', this.configFile]);
    await this.hub.waitForLine(/"msg":"hub started"/);
  }

  async startFront(): Promise<void> {
    this.front = this.#spawn(['front', '--config', this.configFile]);
    await this.front.waitForLine(/"msg":"front started"/);
    this.#ca = await readFile(path.join(this.dataDir, 'tls', 'cert.pem'), 'utf8');
  }

  #spawn(args: string[]): RunningProcess {
    const netns = this.#options.netns;
    return netns === undefined
      ? new RunningProcess(process.execPath, [gatehouseBin, ...args])
      : new RunningProcess('ip', ['netns', 'exec', netns, process.execPath, gatehouseBin, ...args]);
  }

  get ca(): string {
    return this.#ca;
  }

  get origin(): string {
    return `https://127.0.0.1:${this.ports.https}`;
  }

  async stop(): Promise<void> {
    await Promise.all([this.front?.stop(), this.hub?.stop()]);
    await this.radio.stop();
    for (const pair of this.radios.values()) {
      await pair.stop();
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  /** An HTTPS request to the front, trusting only the generated certificate. */
  async request(
    requestPath: string,
    options: { user?: Credentials; method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.user !== undefined) {
      headers.authorization = basicAuth(options.user);
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const request = httpsRequest({
      host: '127.0.0.1',
      port: this.ports.https,
      path: requestPath,
      method: options.method ?? 'GET',
      headers,
      ca: this.#ca,
    });
    request.end(body);
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    let text = '';
    for await (const chunk of response) {
      text += (chunk as Buffer).toString('utf8');
    }
    return { status: response.statusCode ?? 0, headers: response.headers, body: text };
  }

  /** Open a websocket through the front; resolves once open, rejects with the HTTP status otherwise. */
  async websocket(options: { user?: Credentials; origin?: string | null; headers?: Record<string, string> } = {}): Promise<MessageSocket> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.user !== undefined) {
      headers.authorization = basicAuth(options.user);
    }
    if (options.origin !== null) {
      headers.origin = options.origin ?? this.origin;
    }
    const socket = new WebSocket(`wss://127.0.0.1:${this.ports.https}/ws`, { headers, ca: this.#ca });
    return MessageSocket.open(socket);
  }
}

export function basicAuth(user: Credentials): string {
  return `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}`;
}

/** A websocket with its received JSON messages queued, so tests can wait for a given one. */
export class MessageSocket {
  readonly socket: WebSocket;
  readonly messages: Array<Record<string, unknown>> = [];
  #notify: (() => void) | null = null;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
      this.#notify?.();
    });
  }

  static open(socket: WebSocket): Promise<MessageSocket> {
    const wrapped = new MessageSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(wrapped));
      socket.once('unexpected-response', (_request, response) => {
        reject(new UpgradeRejected(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** Wait for the first message (already received or future) that satisfies `match`. */
  async waitFor(match: (message: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found !== undefined) {
        return found;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`no matching websocket message within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(-2000)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#notify = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) {
      return;
    }
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
  }
}

export class UpgradeRejected extends Error {
  readonly status: number;

  constructor(status: number) {
    super(`websocket upgrade rejected with HTTP ${status}`);
    this.status = status;
  }
}
