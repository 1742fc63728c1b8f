import type { Command } from '../protocol/index.js';

/** A command waiting for its radio gateway's link to reopen, with the line already encoded. */
export interface QueuedCommand {
  command: Command;
  line: string;
  /** User and client address of the sender, for the audit record of the command's result. */
  user: string;
  client: string;
}

export interface CommandQueueOptions {
  /** How long a command waits before it expires, in milliseconds. */
  ttlMs: number;
  /** Most commands waiting per radio gateway; 0 turns queueing off. */
  maxCommands: number;
  /** Called once for each command that expired unsent. */
  onExpired: (queued: QueuedCommand) => void;
}

/**
 * Direct sends that wait, per radio gateway, while its link is down. Each one expires after the
 * time-to-live, so a command is never sent long after the user gave up on it (a garage door opening
 * an hour later would be a surprise). The queue is bounded, so a closed link cannot grow it without
 * limit.
 */
export class CommandQueue {
  readonly #options: CommandQueueOptions;
  readonly #waiting = new Map<string, QueuedCommand[]>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** When each command expires, in ms since the epoch, so a command put back keeps its deadline. */
  readonly #deadlines = new WeakMap<QueuedCommand, number>();

  constructor(options: CommandQueueOptions) {
    this.#options = options;
  }

  get enabled(): boolean {
    return this.#options.maxCommands > 0;
  }

  /** Whether radio gateway `gateway` has room for another command. */
  hasRoom(gateway: string): boolean {
    return (this.#waiting.get(gateway)?.length ?? 0) < this.#options.maxCommands;
  }

  /** Adds a command; the caller checked hasRoom(). */
  add(gateway: string, queued: QueuedCommand): void {
    const list = this.#waiting.get(gateway) ?? [];
    list.push(queued);
    this.#waiting.set(gateway, list);
    this.#deadlines.set(queued, Date.now() + this.#options.ttlMs);
    this.#startTimer(gateway, queued);
  }

  /** Removes and returns the oldest command of `gateway`, or undefined when none waits. */
  takeNext(gateway: string): QueuedCommand | undefined {
    const next = this.#waiting.get(gateway)?.shift();
    if (next !== undefined) {
      clearTimeout(this.#timers.get(next.command.id));
      this.#timers.delete(next.command.id);
    }
    return next;
  }

  /** Puts a command back at the head of its queue, when the link closed again while it was written. */
  putBack(gateway: string, queued: QueuedCommand): void {
    const list = this.#waiting.get(gateway) ?? [];
    list.unshift(queued);
    this.#waiting.set(gateway, list);
    this.#startTimer(gateway, queued);
  }

  /** Number of commands waiting for `gateway`. */
  size(gateway: string): number {
    return this.#waiting.get(gateway)?.length ?? 0;
  }

  /** Drops every waiting command without reporting them, when the hub stops. */
  clear(): void {
    for (const timer of this.#timers.values()) {
      clearTimeout(timer);
    }
    this.#timers.clear();
    this.#waiting.clear();
  }

  #startTimer(gateway: string, queued: QueuedCommand): void {
    const remainingMs = (this.#deadlines.get(queued) ?? 0) - Date.now();
    const timer = setTimeout(() => this.#expire(gateway, queued), Math.max(0, remainingMs));
    timer.unref();
    this.#timers.set(queued.command.id, timer);
  }

  #expire(gateway: string, queued: QueuedCommand): void {
    this.#timers.delete(queued.command.id);
    const list = this.#waiting.get(gateway) ?? [];
    const index = list.indexOf(queued);
    if (index === -1) {
      return;
    }
    list.splice(index, 1);
    this.#options.onExpired(queued);
  }
}
