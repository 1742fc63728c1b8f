import { randomUUID } from 'node:crypto';
import type { AuditRecorder } from '../audit/types.js';
import { isGatehouseError } from '../errors/index.js';
import type { Command, Role } from '../protocol/index.js';
import type { RadioLink } from '../radio/link.js';
import type { Logger } from '../log/logger.js';
import { assertAllowed } from './access.js';

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

  constructor(options: CommandServiceOptions) {
    this.#options = options;
  }

  /** Send `payload` to node `nodeId` now. Rejects with AUTH_FORBIDDEN, PROTOCOL_COMMAND_INVALID or SERIAL_*. */
  async send(actor: Actor, nodeId: number, payload: string): Promise<Command> {
    try {
      const command = await this.#send(actor, nodeId, payload);
      this.#counts.sent += 1;
      this.#audit(actor, nodeId, payload, 'sent', command.id);
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

    await route.link.writeLine(line);
    this.#options.onWritten?.(route.gateway, nodeId, line);
    this.#options.logger.info({ commandId: command.id, nodeId, payload, user: actor.name, client: actor.client }, 'command sent');
    return command;
  }

  #audit(actor: Actor, nodeId: number, payload: string, result: string, commandId: string | null): void {
    this.#options.audit?.record({ kind: 'command', user: actor.name, client: actor.client, detail: { nodeId, payload, result, commandId } });
  }
}
