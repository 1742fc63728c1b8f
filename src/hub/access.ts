import type { FastifyInstance } from 'fastify';
import { GatehouseError } from '../errors/index.js';
import type { Role } from '../protocol/index.js';
import type { Actor } from './commands.js';

/**
 * What a request or websocket message does, which decides the roles that may do it: `read` sees
 * nodes and health, `command` sends commands and requests to nodes and renames them, `manage` deletes
 * nodes, changes users and tokens and reads the audit log.
 */
export type HubAction = 'read' | 'command' | 'manage';

const rolesAllowed: Readonly<Record<HubAction, ReadonlySet<Role>>> = {
  read: new Set(['viewer', 'operator', 'admin']),
  command: new Set(['operator', 'admin']),
  manage: new Set(['admin']),
};

const deniedReasons: Readonly<Record<HubAction, string>> = {
  read: 'this role cannot read the hub',
  command: 'cannot send commands; ask an admin for the operator role',
  manage: 'only an admin can delete nodes and manage users, tokens and the audit log',
};

/** Returns whether the actor's role may perform `action`. */
export function isAllowed(actor: Actor, action: HubAction): boolean {
  return rolesAllowed[action].has(actor.role);
}

/** Throws AUTH_FORBIDDEN unless the actor's role may perform `action`. Every hub API action calls this. */
export function assertAllowed(actor: Actor, action: HubAction): void {
  if (!isAllowed(actor, action)) {
    throw new GatehouseError('AUTH_FORBIDDEN', `forbidden: the ${actor.role} role ${deniedReasons[action]}`, {
      context: { user: actor.name, role: actor.role, action },
    });
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The action a route performs; a route without one is rejected for every role. */
    access?: HubAction;
  }
}

/**
 * Adds the role check to every route, from each route's `config.access`. It runs as an onRequest hook
 * after the one that resolves the actor, so a forbidden request is rejected before its body is read.
 */
export function registerAccessCheck(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.is404) {
      done();
      return;
    }
    const action = request.routeOptions.config.access;
    try {
      if (action === undefined) {
        // Fail closed: a route registered without an access rule is a bug, and nobody may use it.
        throw new GatehouseError('INTERNAL', 'internal error: this route has no access rule', { context: { url: request.routeOptions.url } });
      }
      assertAllowed(request.actor, action);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}
