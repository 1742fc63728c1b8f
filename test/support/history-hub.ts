import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, gatehouseBin, RunningProcess, runGatehouse } from './processes.js';
import { PtyPair } from './pty-pair.js';

export interface HubReply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

/**
 * A built `gatehouse hub` process on its own, as systemd runs it, with history on, a socat
 * pseudo-terminal as the radio gateway and one viewer user. Requests go straight to the hub's
 * loopback port with the proxy secret, as the front sends them.
 */
export class HistoryHub {
  readonly dir: string;
  readonly dataDir: string;
  readonly configFile: string;
  readonly radio: PtyPair;
  readonly user = 'victor';
  process: RunningProcess | null = null;
  #port = 0;
  #secret = '';

  private constructor(dir: string) {
    this.dir = dir;
    this.dataDir = path.join(dir, 'data');
    this.configFile = path.join(dir, 'gatehouse.yaml');
    this.radio = new PtyPair(path.join(dir, 'radio'));
  }

  /** Writes the config with `historyLines` (indented keys under `history:`) and adds the viewer. */
  static async create(historyLines: string[]): Promise<HistoryHub> {
    const hub = new HistoryHub(await mkdtemp(path.join(tmpdir(), 'gatehouse-history-')));
    hub.#port = await freePort();
    const yaml = [
      'dataDir: ./data',
      'hub:',
      `  port: ${hub.#port}`,
      'radio:',
      `  port: ${hub.radio.devicePath}`,
      'history:',
      ...historyLines.map((line) => `  ${line}`),
      'log:',
      '  level: info',
      '',
    ].join('\n');
    await writeFile(hub.configFile, yaml);
    const added = await runGatehouse(['user', 'add', hub.user, '--role', 'viewer', '--password-stdin', '--config', hub.configFile], 'victor-password-1\n');
    if (added.code !== 0) throw new Error(`user add failed: ${added.stderr}`);
    await hub.radio.start();
    return hub;
  }

  async start(): Promise<void> {
    this.process = new RunningProcess(process.execPath, [gatehouseBin, 'hub', '--config', this.configFile]);
    await this.process.waitForLine(/"msg":"hub started"/);
    this.#secret = (await readFile(path.join(this.dataDir, 'proxy-secret'), 'utf8')).trim();
    // Lines written before the hub opens the pty may be flushed on open, so tests write after this.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const health = (await this.request('/api/health')).json as { links?: Array<{ state: string }> };
      if (health.links?.[0]?.state === 'open') return;
      if (Date.now() > deadline) throw new Error('the radio link of the hub did not open within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGTERM and wait for the exit. */
  async stop(): Promise<number | null> {
    const code = (await this.process?.stop()) ?? null;
    this.process = null;
    return code;
  }

  /** SIGKILL: the hub gets no chance to flush or close anything. */
  async kill(): Promise<void> {
    const running = this.process;
    if (running === null) return;
    running.child.kill('SIGKILL');
    await running.exited;
    this.process = null;
  }

  async remove(): Promise<void> {
    await this.stop();
    await this.radio.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  async request(requestPath: string): Promise<HubReply> {
    const headers = { 'x-gatehouse-secret': this.#secret, 'x-gatehouse-user': this.user, 'x-gatehouse-client': '192.0.2.20' };
    const outgoing = httpRequest({ host: '127.0.0.1', port: this.#port, path: requestPath, headers, agent: false });
    outgoing.end();
    const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
    let body = '';
    for await (const chunk of response) body += (chunk as Buffer).toString('utf8');
    let json: unknown = null;
    try {
      json = JSON.parse(body);
    } catch {
      json = null;
    }
    return { status: response.statusCode ?? 0, headers: response.headers, body, json };
  }

  /** Reads the `history` section of /api/health. */
  async historyHealth(): Promise<{ written: number; queued: number; state: string }> {
    const health = (await this.request('/api/health')).json as { history: { written: number; queued: number; state: string } };
    return health.history;
  }
}
