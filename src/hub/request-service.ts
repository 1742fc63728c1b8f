import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { AuditRecorder } from '../audit/types.js';
import { createRequest, isRecent, matchConfirmation, transition, type RequestEvent } from '../domain/index.js';
import { GatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { type NodeRequest, requestSchema } from '../protocol/index.js';
import type { RadioLink } from '../radio/link.js';
import { assertAllowed } from './access.js';
import type { Actor } from './commands.js';
import { StateFile } from './state-file.js';

/** The destination of one node's requests: its radio gateway's link and the dialect's request encoders. */
export interface RequestRoute {
  gateway: string;
  link: RadioLink;
  /** Throws PROTOCOL_COMMAND_INVALID for a request the radio gateway or node cannot take. */
  encodeRequest: (nodeId: number, name: string, value: string | null) => string;
  encodeRequestCancel: (nodeId: number, name: string, value: string | null) => string;
}

/** A node's confirmation of a request, decoded from a packet such as `[21] P_TXP:20:OK`. */
export interface Confirmation {
  name: string;
  value: string;
  status: 'ok' | 'invalid' | 'other';
}

export interface RequestServiceOptions {
  dataDir: string;
  /** The route of node `nodeId`, or null when its radio gateway's dialect has no requests. */
  route: (nodeId: number) => RequestRoute | null;
  /** The route of radio gateway `gateway`, for writing its requests again. */
  routeOfGateway: (gateway: string) => RequestRoute | null;
  timeoutMs: number;
  /** Called with every new or changed request. */
  onChange: (request: NodeRequest) => void;
  /** Called with each line written, for the live log. */
  onWritten?: (gateway: string, nodeId: number, line: string) => void;
  audit?: AuditRecorder;
  logger: Logger;
  now?: () => Date;
}

/** Ended requests stay listed (and in the file) this long, so a page opened later still shows them. */
export const endedRequestWindowMs = 60 * 60 * 1000;

const requestsFileSchema = z.object({ requests: z.array(requestSchema) });

/**
 * Requests for sleeping nodes. Creating one writes `RQ:<id>:<name>[:<value>]` to the node's radio
 * gateway, which hands it to the node in the ACK of its next transmission. The node's confirmation
 * (`NAME:value:OK` or `INV`) ends it, so does its deadline or a user's cancel. Requests are kept in
 * dataDir/requests.json so they survive a hub restart, and pending ones are written again when the
 * radio gateway reports a reset (its queue is in RAM).
 */
export class RequestService {
  readonly #options: RequestServiceOptions;
  readonly #requests = new Map<string, NodeRequest>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #file: StateFile;

  constructor(options: RequestServiceOptions) {
    this.#options = options;
    this.#file = new StateFile({
      file: path.join(options.dataDir, 'requests.json'),
      delayMs: 0,
      logger: options.logger,
      render: () => ({ requests: this.#kept() }),
    });
  }

  /** Loads the saved requests; pending ones past their deadline time out now. */
  async start(): Promise<void> {
    const saved = await this.#file.load(requestsFileSchema);
    for (const request of saved?.requests ?? []) {
      this.#requests.set(request.id, request);
    }
    for (const request of this.#requests.values()) {
      this.#schedule(request);
    }
  }

  /** Stops the deadline timers and waits for the last write. */
  async stop(): Promise<void> {
    for (const timer of this.#timers.values()) {
      clearTimeout(timer);
    }
    this.#timers.clear();
    await this.#file.flush();
  }

  /**
   * Creates a request and writes it to the node's radio gateway. Rejects with AUTH_FORBIDDEN,
   * PROTOCOL_COMMAND_INVALID (checked before anything is written) or SERIAL_* when the line cannot
   * be written, in which case no request is kept.
   */
  async create(actor: Actor, nodeId: number, name: string, value: string | null): Promise<NodeRequest> {
    assertAllowed(actor, 'command');
    const route = this.#options.route(nodeId);
    if (route === null) {
      throw new GatehouseError('PROTOCOL_COMMAND_INVALID', `node ${nodeId} cannot take requests: its radio gateway's dialect has no request queue. Send a command instead.`, {
        context: { nodeId },
      });
    }
    const line = route.encodeRequest(nodeId, name, value);
    const request = createRequest({
      id: randomUUID(),
      gateway: route.gateway,
      nodeId,
      name,
      value,
      user: actor.name,
      time: this.#now(),
      timeoutMs: this.#options.timeoutMs,
    });

    try {
      await this.#write(route, nodeId, line);
    } catch (error) {
      this.#audit(actor, request, 'create', error instanceof GatehouseError ? error.code : 'INTERNAL');
      throw error;
    }
    this.#store(request);
    this.#schedule(request);
    this.#audit(actor, request, 'create', 'pending');
    this.#options.logger.info({ requestId: request.id, nodeId, name, value, user: actor.name }, 'request queued');
    return request;
  }

  /**
   * Cancels a pending request and removes it from the radio gateway's queue. Rejects with
   * AUTH_FORBIDDEN, REQUEST_NOT_FOUND, or REQUEST_ENDED when it is no longer pending.
   */
  async cancel(actor: Actor, id: string): Promise<NodeRequest> {
    assertAllowed(actor, 'command');
    const request = this.#requests.get(id);
    if (request === undefined) {
      throw new GatehouseError('REQUEST_NOT_FOUND', `request ${id.slice(0, 64)} not found: it never existed or ended more than an hour ago`, {
        context: { requestId: id.slice(0, 64) },
      });
    }
    const result = this.#apply(request, { type: 'cancel', time: this.#now() });
    if (!result.changed) {
      throw new GatehouseError('REQUEST_ENDED', `request ${id} already ended as ${request.state}, so there is nothing to cancel`, {
        context: { requestId: id, state: request.state },
      });
    }
    this.#audit(actor, result.request, 'cancel', 'cancelled');
    await this.#removeFromQueue(result.request);
    return result.request;
  }

  /** Returns the kept requests of node `nodeId`, newest first. */
  ofNode(nodeId: number): NodeRequest[] {
    return this.#kept()
      .filter((request) => request.nodeId === nodeId)
      .reverse();
  }

  /** Pending requests and those that ended within the last hour, oldest first. */
  recent(): NodeRequest[] {
    return this.#kept();
  }

  /** Ends the pending requests that the confirmations from node `nodeId` match. */
  onConfirmations(nodeId: number, confirmations: readonly Confirmation[]): void {
    for (const confirmation of confirmations) {
      if (confirmation.status === 'other') {
        this.#options.logger.warn({ nodeId, name: confirmation.name }, 'node confirmed a request with an unknown status word, request left pending');
        continue;
      }
      const request = matchConfirmation(this.#requests.values(), nodeId, confirmation.name, confirmation.value);
      if (request === undefined) {
        continue;
      }
      this.#apply(request, { type: 'confirmed', result: confirmation.status, time: this.#now() });
    }
  }

  /** Writes every pending request of radio gateway `gateway` again, after the board reset and lost its queue. */
  async requeue(gateway: string): Promise<void> {
    const route = this.#options.routeOfGateway(gateway);
    if (route === null) {
      return;
    }
    const pending = this.#kept().filter((request) => request.state === 'pending' && request.gateway === gateway);
    for (const request of pending) {
      try {
        await this.#write(route, request.nodeId, route.encodeRequest(request.nodeId, request.name, request.value));
      } catch (error) {
        this.#options.logger.error({ err: error, requestId: request.id, gateway }, 'writing a request again after a radio gateway reset failed');
      }
    }
    if (pending.length > 0) {
      this.#options.logger.info({ gateway, requests: pending.length }, 'requests written again after a radio gateway reset');
    }
  }

  #apply(request: NodeRequest, event: RequestEvent): { request: NodeRequest; changed: boolean } {
    const result = transition(request, event);
    if (result.changed) {
      this.#store(result.request);
      const timer = this.#timers.get(request.id);
      if (timer !== undefined) {
        clearTimeout(timer);
        this.#timers.delete(request.id);
      }
      this.#options.logger.info({ requestId: request.id, nodeId: request.nodeId, state: result.request.state }, 'request ended');
    }
    return result;
  }

  #store(request: NodeRequest): void {
    this.#requests.set(request.id, request);
    this.#file.schedule();
    this.#options.onChange(request);
  }

  #schedule(request: NodeRequest): void {
    if (request.state !== 'pending') {
      return;
    }
    const delayMs = Math.max(0, Date.parse(request.expiresAt) - this.#now().getTime());
    const timer = setTimeout(() => {
      this.#timers.delete(request.id);
      const current = this.#requests.get(request.id);
      if (current === undefined) {
        return;
      }
      const result = this.#apply(current, { type: 'deadline', time: this.#now() });
      if (result.changed) {
        void this.#removeFromQueue(result.request);
      }
    }, delayMs);
    timer.unref();
    this.#timers.set(request.id, timer);
  }

  /** Removes an ended request from the radio gateway's queue; a failure is logged, since the request ended anyway. */
  async #removeFromQueue(request: NodeRequest): Promise<void> {
    const route = this.#options.routeOfGateway(request.gateway);
    if (route === null) {
      return;
    }
    try {
      await this.#write(route, request.nodeId, route.encodeRequestCancel(request.nodeId, request.name, request.value));
    } catch (error) {
      // NOTE: while the link is down, the request stays on the board until the node takes it or the
      // board resets. The node's confirmation then matches no pending request and is ignored.
      this.#options.logger.warn({ err: error, requestId: request.id }, 'removing a request from the radio gateway queue failed');
    }
  }

  async #write(route: RequestRoute, nodeId: number, line: string): Promise<void> {
    await route.link.writeLine(line);
    this.#options.onWritten?.(route.gateway, nodeId, line);
  }

  /** Pending requests and those ended within the window, oldest first; older ones are dropped. */
  #kept(): NodeRequest[] {
    const now = this.#now();
    for (const [id, request] of this.#requests) {
      if (!isRecent(request, now, endedRequestWindowMs)) {
        this.#requests.delete(id);
      }
    }
    return [...this.#requests.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  #audit(actor: Actor, request: NodeRequest, action: string, result: string): void {
    this.#options.audit?.record({
      kind: 'request',
      user: actor.name,
      client: actor.client,
      detail: { action, requestId: request.id, nodeId: request.nodeId, name: request.name, value: request.value, result },
    });
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}
