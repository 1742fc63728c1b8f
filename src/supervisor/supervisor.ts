import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from '../log/logger.js';

export interface ChildSpec {
  /** Name used in logs, such as "hub" or "front". */
  name: string;
  command: string;
  args: string[];
}

export interface SupervisorOptions {
  children: ChildSpec[];
  logger: Logger;
  /** First restart delay; doubles after each crash up to maxRestartDelayMs. */
  initialRestartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A child that ran this long before crashing restarts after the initial delay again. */
  stableAfterMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

/** Exit code of a child that stopped on a usage or config error: restarting cannot help. */
const configErrorExitCode = 2;

interface Supervised {
  spec: ChildSpec;
  process: ChildProcess | null;
  startedAt: number;
  delayMs: number;
  restartTimer: NodeJS.Timeout | null;
}

/**
 * Runs several child processes, restarts one that exits with growing delays, and stops them all on
 * stop(). A child that exits with code 2 (config error) makes the whole group stop, because every
 * restart would fail the same way.
 */
export class Supervisor {
  readonly #options: Required<Omit<SupervisorOptions, 'children' | 'logger'>> & Pick<SupervisorOptions, 'logger'>;
  readonly #children: Supervised[];
  #stopping = false;
  #resolveDone: (code: number) => void = () => undefined;
  readonly done: Promise<number>;

  constructor(options: SupervisorOptions) {
    this.#options = {
      logger: options.logger,
      initialRestartDelayMs: options.initialRestartDelayMs ?? 1000,
      maxRestartDelayMs: options.maxRestartDelayMs ?? 30_000,
      stableAfterMs: options.stableAfterMs ?? 60_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
    };
    this.#children = options.children.map((spec) => ({
      spec,
      process: null,
      startedAt: 0,
      delayMs: this.#options.initialRestartDelayMs,
      restartTimer: null,
    }));
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  start(): void {
    for (const child of this.#children) {
      this.#spawn(child);
    }
  }

  /** PIDs of the running children by name, for tests and logs. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.#children.map((child) => [child.spec.name, child.process?.pid]));
  }

  /** Send `signal` to the named child if it is running; returns whether it was sent. */
  signal(name: string, signal: NodeJS.Signals): boolean {
    const child = this.#children.find((candidate) => candidate.spec.name === name);
    const running = child?.process;
    if (running === null || running === undefined || running.exitCode !== null) {
      return false;
    }
    return running.kill(signal);
  }

  /** SIGTERM every child, SIGKILL those still running after the timeout; resolves `done` with `code`. */
  async stop(code = 0): Promise<void> {
    if (this.#stopping) {
      return;
    }
    this.#stopping = true;
    const exits = this.#children.map((child) => this.#stopChild(child));
    await Promise.all(exits);
    this.#options.logger.info('all children stopped');
    this.#resolveDone(code);
  }

  #spawn(child: Supervised): void {
    const { logger } = this.#options;
    const spawned = spawn(child.spec.command, child.spec.args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.process = spawned;
    child.startedAt = Date.now();
    logger.info({ child: child.spec.name, childPid: spawned.pid }, 'child started');

    spawned.on('error', (error) => logger.error({ child: child.spec.name, err: error }, 'child could not be started'));
    spawned.on('exit', (code, signal) => {
      child.process = null;
      if (this.#stopping) {
        return;
      }
      if (code === configErrorExitCode) {
        logger.error({ child: child.spec.name, code }, 'child stopped on a config error, stopping all');
        void this.stop(configErrorExitCode);
        return;
      }
      const ranMs = Date.now() - child.startedAt;
      if (ranMs >= this.#options.stableAfterMs) {
        child.delayMs = this.#options.initialRestartDelayMs;
      }
      logger.warn({ child: child.spec.name, code, signal, ranMs, restartInMs: child.delayMs }, 'child exited, restarting');
      child.restartTimer = setTimeout(() => {
        child.restartTimer = null;
        if (!this.#stopping) {
          this.#spawn(child);
        }
      }, child.delayMs);
      child.delayMs = Math.min(child.delayMs * 2, this.#options.maxRestartDelayMs);
    });
  }

  async #stopChild(child: Supervised): Promise<void> {
    if (child.restartTimer !== null) {
      clearTimeout(child.restartTimer);
      child.restartTimer = null;
    }
    const running = child.process;
    if (running === null || running.exitCode !== null || running.signalCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      const killTimer = setTimeout(() => {
        this.#options.logger.warn({ child: child.spec.name }, 'child ignored SIGTERM, sending SIGKILL');
        running.kill('SIGKILL');
      }, this.#options.stopTimeoutMs);
      running.once('exit', () => {
        clearTimeout(killTimer);
        resolve();
      });
      running.kill('SIGTERM');
    });
  }
}
