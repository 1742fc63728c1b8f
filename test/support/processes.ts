import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built CLI entry; the test script runs `npm run build` before the tests. */
export const gatehouseBin = fileURLToPath(new URL('../../bin/gatehouse.js', import.meta.url));

/** A free TCP port on 127.0.0.1, found by binding port 0 and closing again. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
}

/** A child process with its output collected as lines, for waiting on and asserting log lines. */
export class RunningProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly #waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let pending = '';
      stream?.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        this.lines.push(...parts);
        for (const waiter of this.#waiters) {
          waiter();
        }
      });
    }
  }

  get output(): string {
    return this.lines.join('\n');
  }

  /** Wait until a line matches, failing after `timeoutMs` with the output so far. */
  async waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const found = (): string | undefined => this.lines.find((line) => pattern.test(line));
    const early = found();
    if (early !== undefined) {
      return early;
    }
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const line = found();
        if (line !== undefined) {
          finish();
          resolve(line);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${this.output.slice(-3000)}`));
      }, timeoutMs);
      const onExit = (): void => {
        finish();
        reject(new Error(`process exited before a line matched ${pattern}; output:\n${this.output.slice(-3000)}`));
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        this.child.off('exit', onExit);
      };
      this.#waiters.add(check);
      this.child.once('exit', onExit);
    });
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code. */
  async stop(timeoutMs = 5000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return this.child.exitCode;
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    this.child.kill('SIGTERM');
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Run the gatehouse CLI to completion with optional standard input; resolves code and output. */
export async function runGatehouse(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [gatehouseBin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(input ?? '');
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
