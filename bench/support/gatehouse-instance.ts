import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, gatehouseBin, RunningProcess, runGatehouse } from '../../test/support/processes.js';
import { RadioPty } from './radio-pty.js';

export interface InstanceOptions {
  /** When set, front and hub run with `--cpu-prof` and write their profiles to this folder. */
  cpuProfileDir?: string;
}

/** The one user the benchmark clients log in as. It is a viewer, because the clients only read. */
export const benchUser = { name: 'bench', password: 'bench-password-1', role: 'viewer' } as const;

/**
 * A Gatehouse run as a user runs it: the built CLI with a temporary config and data folder, a user
 * made with `gatehouse user add`, a hub and a front process, and a socat pseudo-terminal pair as
 * the radio gateway. The config keeps the product defaults (log level info, 30 s pings), so the
 * numbers are those of a default install and not of the debug-level test stack.
 */
export class GatehouseInstance {
  readonly dir: string;
  readonly dataDir: string;
  readonly configFile: string;
  readonly ports: { http: number; https: number; hub: number };
  readonly radio: RadioPty;
  hub: RunningProcess | null = null;
  front: RunningProcess | null = null;
  /** PEM of the self-signed certificate the front generated, for the clients to trust. */
  ca = '';

  readonly #options: InstanceOptions;

  private constructor(dir: string, ports: GatehouseInstance['ports'], options: InstanceOptions) {
    this.dir = dir;
    this.dataDir = path.join(dir, 'data');
    this.configFile = path.join(dir, 'gatehouse.yaml');
    this.ports = ports;
    this.radio = new RadioPty(path.join(dir, 'radio'));
    this.#options = options;
  }

  /**
   * Create the folder, config and user, then start the pty pair, the hub and the front. On failure
   * it stops whatever it started and rethrows.
   */
  static async start(options: InstanceOptions = {}): Promise<GatehouseInstance> {
    const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-bench-'));
    const ports = { http: await freePort(), https: await freePort(), hub: await freePort() };
    const instance = new GatehouseInstance(dir, ports, options);
    try {
      await instance.#writeConfig();
      const added = await runGatehouse(
        ['user', 'add', benchUser.name, '--role', benchUser.role, '--password-stdin', '--config', instance.configFile],
        `${benchUser.password}\n`,
      );
      if (added.code !== 0) {
        throw new Error(`gatehouse user add failed with exit code ${String(added.code)}: ${added.stderr}`);
      }
      await instance.radio.start();
      instance.hub = instance.#spawn('hub');
      await instance.hub.waitForLine(/"msg":"hub started"/);
      await instance.hub.waitForLine(/"msg":"radio link open"/);
      instance.front = instance.#spawn('front');
      await instance.front.waitForLine(/"msg":"front started"/);
      instance.ca = await readFile(path.join(instance.dataDir, 'tls', 'cert.pem'), 'utf8');
    } catch (error) {
      await instance.stop();
      throw error;
    }
    return instance;
  }

  /** Origin that a browser on this front sends, and that the front's Origin check accepts. */
  get origin(): string {
    return `https://127.0.0.1:${this.ports.https}`;
  }

  /** Read the secret that the front adds to each proxied request. Only the `--target hub` diagnostic needs it. */
  async proxySecret(): Promise<string> {
    return (await readFile(path.join(this.dataDir, 'proxy-secret'), 'utf8')).trim();
  }

  /** Stop front, hub and socat (SIGTERM, then SIGKILL after 5 s) and remove the temporary folder. */
  async stop(): Promise<void> {
    await Promise.all([this.front?.stop(), this.hub?.stop()]);
    await this.radio.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  async #writeConfig(): Promise<void> {
    const yaml = [
      'dataDir: ./data',
      'front:',
      '  listenAddress: 127.0.0.1',
      `  httpPort: ${this.ports.http}`,
      `  httpsPort: ${this.ports.https}`,
      'hub:',
      `  port: ${this.ports.hub}`,
      'radio:',
      `  port: ${this.radio.devicePath}`,
      '  baudRate: 115200',
      '  dialect: moteino',
      '',
    ].join('\n');
    await writeFile(this.configFile, yaml);
  }

  #spawn(command: 'hub' | 'front'): RunningProcess {
    const profileDir = this.#options.cpuProfileDir;
    const nodeFlags = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${command}.cpuprofile`];
    return new RunningProcess(process.execPath, [...nodeFlags, gatehouseBin, command, '--config', this.configFile]);
  }
}
