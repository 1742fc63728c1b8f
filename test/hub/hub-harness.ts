import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { type AuditLog, createAuditLog } from '../../src/audit/index.js';
import { addUser, createIdentityResolver, secretsEqual } from '../../src/auth/index.js';
import { Hub, type HubOptions } from '../../src/hub/hub.js';
import type { Logger } from '../../src/log/logger.js';
import { moteinoCodec } from '../../src/radio/moteino/index.js';
import { SerialLink } from '../../src/radio/serial-link.js';
import { captureLogs, type LogRecord, testCost } from '../auth/helpers.js';
import { PtyPair } from '../support/pty-pair.js';

export const hubUsers = {
  admin: { name: 'alice', password: 'alice-password-1', role: 'admin' },
  operator: { name: 'olivia', password: 'olivia-password-1', role: 'operator' },
  viewer: { name: 'victor', password: 'victor-password-1', role: 'viewer' },
} as const;

/** Hub options a test may set on top of the harness's own: node types, command limits, lifecycle timing, history, clock. History stays off unless given. */
export type HarnessHubOptions = Pick<Partial<HubOptions>, 'nodeTypes' | 'commands' | 'lifecycle' | 'history' | 'historyRetentionDelayMs' | 'now'>;
/** The name the history tests use. */
export type HubHarnessOptions = HarnessHubOptions;

export interface HubResponse {
  status: number;
  body: string;
  json: unknown;
}

/**
 * A real hub in this process: real users, roles, tokens and audit files in a temporary data directory,
 * the real serial link on a socat pseudo-terminal, and requests that carry the proxy secret as the
 * front would send them.
 */
export class HubHarness {
  readonly dir: string;
  readonly dataDir: string;
  readonly secret = randomBytes(32).toString('hex');
  readonly logs: LogRecord[];
  readonly radio: PtyPair;
  readonly audit: AuditLog;
  hub: Hub;
  readonly #extra: HarnessHubOptions;
  readonly #logger: Logger;

  private constructor(dir: string, extra: HarnessHubOptions) {
    this.dir = dir;
    this.dataDir = path.join(dir, 'data');
    this.radio = new PtyPair(path.join(dir, 'radio'));
    const { logger, records } = captureLogs();
    this.logs = records;
    this.#logger = logger;
    this.audit = createAuditLog(this.dataDir, 'hub', logger);
    this.#extra = extra;
    this.hub = this.#createHub();
  }

  #createHub(): Hub {
    const logger = this.#logger;
    return new Hub({
      port: 0,
      pingIntervalMs: 30_000,
      gateways: [
        {
          name: 'radio',
          dialect: 'moteino',
          link: new SerialLink({ path: this.radio.devicePath, baudRate: 115200, logger: logger.child({ component: 'link' }) }),
          codec: moteinoCodec(),
        },
      ],
      // A zero check interval makes each request see file edits at once.
      roles: createIdentityResolver(this.dataDir, logger, { checkIntervalMs: 0 }),
      dataDir: this.dataDir,
      audit: this.audit,
      bcryptCost: testCost,
      secretMatches: (presented) => secretsEqual(presented, this.secret),
      logger,
      ...this.#extra,
    });
  }

  /** Stops the hub and starts a new one on the same data directory and radio, as after a restart. */
  async restartHub(): Promise<void> {
    await this.hub.stop();
    this.hub = this.#createHub();
    await this.hub.start();
    await this.waitForOpenLink();
  }

  static async start(extra: HarnessHubOptions = {}): Promise<HubHarness> {
    const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-hub-'));
    const harness = new HubHarness(dir, extra);
    for (const user of Object.values(hubUsers)) {
      await addUser(harness.dataDir, user.name, user.password, user.role, { cost: testCost });
    }
    await harness.radio.start();
    await harness.hub.start();
    await harness.waitForOpenLink();
    return harness;
  }

  /**
   * Wait until the hub has opened the pty. Lines written before that may be flushed when the port
   * opens, so tests that write lines right after a start wait for this first.
   */
  async waitForOpenLink(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.hub.linkStatuses()[0]?.state !== 'open') {
      if (Date.now() > deadline) {
        throw new Error(`the hub did not open the radio link within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    await this.hub.stop();
    await this.audit.close();
    await this.radio.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A request as the front forwards it for `identity` (a user name or `token:<name>`). */
  async request(method: string, requestPath: string, identity: string, body?: string | object, contentType = 'application/json'): Promise<HubResponse> {
    const headers: Record<string, string> = { 'x-gatehouse-secret': this.secret, 'x-gatehouse-user': identity, 'x-gatehouse-client': '192.0.2.10' };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = contentType;
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    // One connection per request: a reused keep-alive socket can be closed by the server just as the
    // next request goes out, which would make a test fail for reasons outside the hub's replies.
    const outgoing = httpRequest({ host: '127.0.0.1', port: this.hub.port, method, path: requestPath, headers, agent: false });
    outgoing.end(payload);
    const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
    let text = '';
    for await (const chunk of response) {
      text += (chunk as Buffer).toString('utf8');
    }
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.statusCode ?? 0, body: text, json };
  }

  /** Opens a websocket as `identity`, collecting every message it receives. */
  async websocket(identity: string): Promise<{ socket: WebSocket; messages: string[] }> {
    const socket = new WebSocket(`ws://127.0.0.1:${this.hub.port}/ws`, {
      headers: { 'x-gatehouse-secret': this.secret, 'x-gatehouse-user': identity, 'x-gatehouse-client': '192.0.2.11' },
    });
    const messages: string[] = [];
    socket.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) => {
        socket.terminate();
        reject(new Error(`websocket rejected with HTTP ${response.statusCode ?? 0}`));
      });
      socket.once('error', reject);
    });
    return { socket, messages };
  }
}

export function errorCodeOf(response: HubResponse): string | undefined {
  return (response.json as { error?: { code?: string } } | null)?.error?.code;
}

export function errorMessageOf(response: HubResponse): string {
  return (response.json as { error?: { message?: string } } | null)?.error?.message ?? '';
}
