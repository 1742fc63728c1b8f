import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { RunningProcess } from './processes.js';

/** The Debian binary; `nginx` in PATH is not used, so a different build is never picked up by accident. */
export const nginxBin = '/usr/sbin/nginx';

/** The worker user of Debian's nginx package, which exists on every Debian system. */
const workerUser = 'www-data';

export interface NginxOptions {
  /** Folder for nginx's prefix, main config, pid file, logs and temp folders; created if missing. */
  dir: string;
  /** The site config printed by `gatehouse nginx-config`. */
  site: string;
  /** Ports the site listens on, which start() waits for. */
  ports: readonly number[];
  /** worker_processes; 1 unless a benchmark wants more. */
  workers?: number | 'auto';
}

/**
 * A real nginx in the foreground with its own prefix, so it touches no system folder and no system
 * service. As root, the workers run as www-data, like Debian's packaged nginx, so the files the site
 * reads must be readable by that group (see grantWorkerAccess).
 */
export class NginxServer {
  readonly dir: string;
  readonly configFile: string;
  readonly errorLog: string;
  readonly #pidFile: string;
  readonly #options: NginxOptions;
  #process: RunningProcess | null = null;

  constructor(options: NginxOptions) {
    this.#options = options;
    this.dir = options.dir;
    this.configFile = path.join(options.dir, 'nginx.conf');
    this.errorLog = path.join(options.dir, 'error.log');
    this.#pidFile = path.join(options.dir, 'nginx.pid');
  }

  /** Arguments shared by `nginx -t` and the real start. */
  #args(extra: string): string[] {
    return ['-p', this.dir, '-c', this.configFile, '-e', this.errorLog, '-g', `pid ${this.#pidFile};${extra}`];
  }

  /** Write the main config around the site. */
  async writeConfig(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = (name: string): string => `${name}_temp_path ${path.join(this.dir, name)};`;
    const main = [
      process.getuid?.() === 0 ? `user ${workerUser} ${workerUser};` : '# not root: the workers run as the current user',
      `worker_processes ${this.#options.workers ?? 1};`,
      'events { worker_connections 1024; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
      '  include site.conf;',
      '}',
      '',
    ].join('\n');
    await writeFile(path.join(this.dir, 'site.conf'), this.#options.site, { mode: 0o600 });
    await writeFile(this.configFile, main);
  }

  /** Run `nginx -t` on the written config; returns the exit code and nginx's output. */
  testConfig(): { code: number | null; output: string } {
    const result = spawnSync(nginxBin, ['-t', ...this.#args('')], { encoding: 'utf8', timeout: 10_000 });
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  }

  /** Start nginx in the foreground and wait until every port accepts connections. */
  async start(timeoutMs = 10_000): Promise<void> {
    this.#process = new RunningProcess(nginxBin, this.#args(' daemon off;'));
    const deadline = Date.now() + timeoutMs;
    for (const port of this.#options.ports) {
      while (!(await accepts(port))) {
        if (this.#process.child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`nginx did not listen on ${port}: ${this.#process.output}`);
        }
        await delay(50);
      }
    }
  }

  /**
   * Stop nginx with SIGQUIT (graceful: workers finish open requests) and wait for the master, which
   * exits only after its workers. SIGKILL after `timeoutMs`. Throws when a worker is left behind.
   */
  async stop(timeoutMs = 5000): Promise<void> {
    const running = this.#process;
    this.#process = null;
    if (running === null || running.child.exitCode !== null || running.child.signalCode !== null) {
      return;
    }
    const workers = running.child.pid === undefined ? [] : childrenOf(running.child.pid);
    const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
    running.child.kill('SIGQUIT');
    await running.exited;
    clearTimeout(timer);
    const left = workers.filter((pid) => isRunning(pid));
    if (left.length > 0) {
      throw new Error(`nginx workers ${left.join(' ')} are still running after the master exited`);
    }
  }
}

/**
 * Give nginx's worker group read access to the data directory and the users file, the documented
 * setup for nginx: directories 0750 and users.htpasswd 0640 with group www-data. The proxy secret
 * and the TLS key stay 0600, because only the hub and nginx's root master read them.
 */
export async function grantWorkerAccess(directories: readonly string[], usersFile: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    return;
  }
  const gid = Number(spawnSync('id', ['-g', workerUser], { encoding: 'utf8' }).stdout.trim());
  for (const directory of directories) {
    await chown(directory, 0, gid);
    await chmod(directory, 0o750);
  }
  await chown(usersFile, 0, gid);
  await chmod(usersFile, 0o640);
}

function childrenOf(pid: number): number[] {
  const listing = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return listing.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
