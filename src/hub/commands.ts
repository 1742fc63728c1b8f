import { randomUUID } from 'node:crypto';
import type { AuditRecorder } from '../audit/types.js';
import { GatehouseError, isGatehouseError } from '../errors/index.js';
import type { Command, Role } from '../protocol/index.js';
import type { RadioLink } from '../radio/link.js';
import type { Logger } from '../log/logger.js';
import { assertAllowed } from './access.js';
import { CommandQueue, type QueuedCommand } from './command-queue.js';

/** Who asks for an action: the user name the front vouched for and the role the hub resolved. */
export interface Actor {
  name: string;
  role: Role;
  /** The client's address as the front reported it, for logs. */
  client: string;
}

/** Where a command to one node goes: the link of the node's radio gateway and its dialect's encoder. */
export interface CommandRoute {
  gateway: string;
  link: RadioLink;
  /** Turns a node id and payload into the dialect's line; throws PROTOCOL_COMMAND_INVALID. */
  encode: (nodeId: number, payload: string) => string;
}

export interface CommandServiceOptions {
  /** The radio gateway a node's commands go to: the one it was last heard on, else the first. */
  route: (nodeId: number) => CommandRoute;
  /** Called with each line written, for the live log. */
  onWritten?: (gateway: string, nodeId: number, line: string) => void;
  logger: Logger;
  /** Receives one `command` event per attempt, with its result; none when absent. */
  audit?: AuditRecorder;
  now?: () => Date;
  /**
   * Commands sent while a link is down wait this long (commands.queueTtlSeconds), at most
   * `maxCommands` per radio gateway (commands.queueMaxCommands). Without it, or with 0, such a
   * command is rejected with SERIAL_LINK_CLOSED at once.
   */
  queue?: { ttlMs: number; maxCommands: number };
  /** Called when a queued command was sent, failed or expired. */
  onQueuedResult?: (command: Command) => void;
}

/**
 * Command attempts since the hub started, by result: `sent` reached the radio gateway, `rejected` was
 * refused before sending (role, or a payload the dialect cannot encode), `failed` could not be
 * written (link closed, write error).
 */
export interface CommandCounts {
  sent: number;
  rejected: number;
  failed: number;
}

/** Throws AUTH_FORBIDDEN unless the actor's role may send commands to nodes. */
export function assertMayCommand(actor: Actor): void {
  assertAllowed(actor, 'command');
}

/**
 * Sends commands to nodes over the radio link: checks the role, encodes with the dialect (which
 * rejects what the firmware cannot take), writes the line, and logs who sent what.
 */
export class CommandService {
  readonly #options: CommandServiceOptions;
  readonly #counts: CommandCounts = { sent: 0, rejected: 0, failed: 0 };
  readonly #queue: CommandQueue;
  readonly #flushing = new Set<string>();

  constructor(options: CommandServiceOptions) {
    this.#options = options;
    this.#queue = new CommandQueue({
      ttlMs: options.queue?.ttlMs ?? 0,
      maxCommands: options.queue?.maxCommands ?? 0,
      onExpired: (queued) => this.#finishQueued(queued, 'expired', 'expired'),
    });
  }

  /**
   * Send `payload` to node `nodeId` now, or queue it while the node's link is down (state `queued`).
   * Rejects with AUTH_FORBIDDEN, PROTOCOL_COMMAND_INVALID, SERIAL_QUEUE_FULL or SERIAL_*.
   */
  async send(actor: Actor, nodeId: number, payload: string): Promise<Command> {
    try {
      const command = await this.#send(actor, nodeId, payload);
      if (command.state === 'sent') {
        this.#counts.sent += 1;
      }
      this.#audit(actor, nodeId, payload, command.state, command.id);
      return command;
    } catch (error) {
      const refused = isGatehouseError(error) && (error.code.startsWith('AUTH_') || error.code.startsWith('PROTOCOL_'));
      this.#counts[refused ? 'rejected' : 'failed'] += 1;
      this.#audit(actor, nodeId, payload, isGatehouseError(error) ? error.code : 'INTERNAL', null);
      throw error;
    }
  }

  /** Return a copy of the attempt counters. */
  counts(): CommandCounts {
    return { ...this.#counts };
  }

  async #send(actor: Actor, nodeId: number, payload: string): Promise<Command> {
    assertMayCommand(actor);
    const route = this.#options.route(nodeId);
    const line = route.encode(nodeId, payload);
    const command: Command = {
      id: randomUUID(),
      nodeId,
      payload,
      state: 'sent',
      time: (this.#options.now?.() ?? new Date()).toISOString(),
    };

    if (this.#queue.enabled && route.link.status().state !== 'open') {
      return this.#enqueue(route.gateway, { command: { ...command, state: 'queued' }, line, user: actor.name, client: actor.client });
    }
    await route.link.writeLine(line);
    this.#options.onWritten?.(route.gateway, nodeId, line);
    this.#options.logger.info({ commandId: command.id, nodeId, payload, user: actor.name, client: actor.client }, 'command sent');
    return command;
  }

  #enqueue(gateway: string, queued: QueuedCommand): Command {
    if (!this.#queue.hasRoom(gateway)) {
      throw new GatehouseError(
        'SERIAL_QUEUE_FULL',
        `Cannot queue the command for node ${queued.command.nodeId}: the link to radio gateway "${gateway}" is down and ${this.#queue.size(gateway)} commands already wait. Retry when the link is open.`,
        { context: { gateway, waiting: this.#queue.size(gateway) } },
      );
    }
    this.#queue.add(gateway, queued);
    this.#options.logger.info({ commandId: queued.command.id, nodeId: queued.command.nodeId, gateway, user: queued.user }, 'command queued while the link is down');
    return queued.command;
  }

  /**
   * Writes the commands that wait for radio gateway `gateway`, oldest first; the hub calls this when
   * the link opens. A command whose write fails because the link closed again goes back to the queue.
   */
  async flush(gateway: string, link: RadioLink): Promise<void> {
    if (this.#flushing.has(gateway)) {
      return;
    }
    this.#flushing.add(gateway);
    try {
      for (let queued = this.#queue.takeNext(gateway); queued !== undefined; queued = this.#queue.takeNext(gateway)) {
        try {
          await link.writeLine(queued.line);
        } catch (error) {
          if (isGatehouseError(error) && error.code === 'SERIAL_LINK_CLOSED') {
            this.#queue.putBack(gateway, queued);
            return;
          }
          this.#options.logger.error({ err: error, commandId: queued.command.id }, 'writing a queued command failed');
          this.#finishQueued(queued, 'failed', isGatehouseError(error) ? error.code : 'INTERNAL');
          continue;
        }
        this.#options.onWritten?.(gateway, queued.command.nodeId, queued.line);
        this.#finishQueued(queued, 'sent', 'sent');
      }
    } finally {
      this.#flushing.delete(gateway);
    }
  }

  /** Drops the waiting commands and their timers, when the hub stops. */
  stop(): void {
    this.#queue.clear();
  }

  #finishQueued(queued: QueuedCommand, state: 'sent' | 'failed' | 'expired', result: string): void {
    const command: Command = { ...queued.command, state };
    this.#counts[state === 'sent' ? 'sent' : 'failed'] += 1;
    this.#options.logger.info({ commandId: command.id, nodeId: command.nodeId, state }, `queued command ${state}`);
    this.#options.audit?.record({
      kind: 'command',
      user: queued.user,
      client: queued.client,
      detail: { nodeId: command.nodeId, payload: command.payload, result, commandId: command.id },
    });
    this.#options.onQueuedResult?.(command);
  }

  #audit(actor: Actor, nodeId: number, payload: string, result: string, commandId: string | null): void {
    this.#options.audit?.record({ kind: 'command', user: actor.name, client: actor.client, detail: { nodeId, payload, result, commandId } });
  }
}
