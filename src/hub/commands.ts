import { randomUUID } from 'node:crypto';
import { GatehouseError } from '../errors/index.js';
import type { Command, Role } from '../protocol/index.js';
import type { RadioLink } from '../radio/link.js';
import type { Logger } from '../log/logger.js';

/** Who asks for an action: the user name the front vouched for and the role the hub resolved. */
export interface Actor {
  name: string;
  role: Role;
  /** The client's address as the front reported it, for logs. */
  client: string;
}

export interface CommandServiceOptions {
  link: RadioLink;
  /** Turns a node id and payload into the dialect's line; throws PROTOCOL_COMMAND_INVALID. */
  encode: (nodeId: number, payload: string) => string;
  logger: Logger;
  now?: () => Date;
}

const rolesThatCommand: ReadonlySet<Role> = new Set(['admin', 'operator']);

/** Throws AUTH_FORBIDDEN unless the actor's role may send commands to nodes. */
export function assertMayCommand(actor: Actor): void {
  if (!rolesThatCommand.has(actor.role)) {
    throw new GatehouseError('AUTH_FORBIDDEN', `forbidden: the ${actor.role} role cannot send commands; ask an admin for the operator role`, {
      context: { user: actor.name, role: actor.role },
    });
  }
}

/**
 * Sends commands to nodes over the radio link: checks the role, encodes with the dialect (which
 * rejects what the firmware cannot take), writes the line, and logs who sent what.
 */
export class CommandService {
  readonly #options: CommandServiceOptions;

  constructor(options: CommandServiceOptions) {
    this.#options = options;
  }

  /** Send `payload` to node `nodeId` now. Rejects with AUTH_FORBIDDEN, PROTOCOL_COMMAND_INVALID or SERIAL_*. */
  async send(actor: Actor, nodeId: number, payload: string): Promise<Command> {
    assertMayCommand(actor);
    const line = this.#options.encode(nodeId, payload);
    const command: Command = {
      id: randomUUID(),
      nodeId,
      payload,
      state: 'sent',
      time: (this.#options.now?.() ?? new Date()).toISOString(),
    };

    await this.#options.link.writeLine(line);
    this.#options.logger.info({ commandId: command.id, nodeId, payload, user: actor.name, client: actor.client }, 'command sent');
    return command;
  }
}
