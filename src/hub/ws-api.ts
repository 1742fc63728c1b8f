import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatehouseError, isGatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import {
  type ClientMessage,
  clientMessageSchema,
  type LinkStatus,
  type LogEntry,
  maxClientMessageBytes,
  type Node,
  type NodeRequest,
  type ServerMessage,
} from '../protocol/index.js';
import { assertAllowed, isAllowed, type HubAction } from './access.js';
import type { Actor, CommandService } from './commands.js';
import type { LiveLog } from './live-log.js';

export interface WebsocketApiOptions {
  commands: CommandService;
  /** Current nodes and link status, read for each new client's snapshot. */
  nodes: () => Node[];
  linkStatuses: () => LinkStatus[];
  /** Pending requests and those that ended in the last hour, for the snapshot. */
  requests?: () => NodeRequest[];
  /** Radio traffic and system events for clients that subscribe. */
  liveLog: LiveLog;
  /** Resolves the actor's current role again before each action, so a role change applies at once. */
  refreshActor: (actor: Actor) => Promise<Actor | null>;
  pingIntervalMs: number;
  logger: Logger;
}

/**
 * A client whose send buffer grows past this is too slow to follow live updates, or gone without a
 * FIN. It is disconnected, so it cannot make the hub buffer without bound, and gets a fresh snapshot
 * when it reconnects.
 */
const maxBufferedBytes = 4 * 1024 * 1024;

/** The action each client message type performs, checked against the sender's role before it runs. */
const messageActions: Readonly<Record<ClientMessage['type'], HubAction>> = {
  command: 'command',
  // The live log shows raw radio lines and system events: for those who may act on them.
  subscribeLog: 'command',
};

interface Client {
  socket: WebSocket;
  actor: Actor;
  alive: boolean;
  logger: Logger;
  /** Whether the client receives live log entries. */
  logSubscribed: boolean;
}

/** Live log entries are sent at most this often, batched, so a flood of lines costs few messages. */
const logBatchIntervalMs = 250;

/** The hub's websocket API: snapshot on connect, broadcasts of node and link changes, commands. */
export class WebsocketApi {
  readonly #options: WebsocketApiOptions;
  readonly #server: WebSocketServer;
  readonly #clients = new Set<Client>();
  #pingTimer: NodeJS.Timeout;
  #invalidMessages = 0;
  #pendingLog: LogEntry[] = [];
  #logTimer: NodeJS.Timeout | null = null;
  readonly #stopLog: () => void;

  constructor(options: WebsocketApiOptions) {
    this.#options = options;
    this.#stopLog = options.liveLog.onEntry((entry) => this.#queueLogEntry(entry));
    this.#server = new WebSocketServer({ noServer: true, maxPayload: maxClientMessageBytes, perMessageDeflate: false });
    this.#pingTimer = setInterval(() => this.#pingAll(), options.pingIntervalMs);
    this.#pingTimer.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  get invalidMessageCount(): number {
    return this.#invalidMessages;
  }

  /** Ping every client every `intervalMs` from now on; a client that sends no pong between two pings is terminated. */
  setPingInterval(intervalMs: number): void {
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => this.#pingAll(), intervalMs);
    this.#pingTimer.unref();
  }

  /** Complete an upgrade that the caller has already authenticated. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, actor: Actor): void {
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#onConnection(ws, actor));
  }

  broadcastNode(node: Node): void {
    this.#broadcast({ type: 'node', node });
  }

  broadcastLink(link: LinkStatus): void {
    this.#broadcast({ type: 'link', link });
  }

  /** Sends a request, command, nodeRemoved or other update message to every client. */
  broadcastMessage(message: ServerMessage): void {
    this.#broadcast(message);
  }

  /** Close every client with 1001 (going away) and stop pinging. */
  close(): void {
    clearInterval(this.#pingTimer);
    this.#stopLog();
    if (this.#logTimer !== null) {
      clearTimeout(this.#logTimer);
      this.#logTimer = null;
    }
    for (const client of this.#clients) {
      client.socket.close(1001, 'hub stopping');
    }
    this.#server.close();
  }

  #onConnection(socket: WebSocket, actor: Actor): void {
    const client: Client = {
      socket,
      actor,
      alive: true,
      logger: this.#options.logger.child({ user: actor.name, client: actor.client }),
      logSubscribed: false,
    };
    this.#clients.add(client);
    client.logger.debug({ role: actor.role }, 'websocket client connected');

    // ws emits 'error' for protocol violations such as a frame over maxPayload; without a listener
    // the error would be thrown and end the process.
    socket.on('error', (error) => client.logger.warn({ err: error }, 'websocket client error'));
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => {
      this.#clients.delete(client);
      client.logger.debug('websocket client disconnected');
    });
    socket.on('message', (data, isBinary) => {
      // binaryType is the default 'nodebuffer', so a text message arrives as one Buffer.
      const text = !isBinary && Buffer.isBuffer(data) ? data.toString('utf8') : null;
      this.#onMessage(client, text).catch((error: unknown) => {
        client.logger.error({ err: error }, 'websocket message handler failed');
      });
    });

    this.#send(client, {
      type: 'snapshot',
      user: { name: actor.name, role: actor.role },
      links: this.#options.linkStatuses(),
      nodes: this.#options.nodes(),
      requests: this.#options.requests?.() ?? [],
    });
  }

  async #onMessage(client: Client, text: string | null): Promise<void> {
    const message = this.#parse(text);
    if (message === null) {
      this.#invalidMessages += 1;
      this.#send(client, {
        type: 'error',
        id: null,
        error: { code: 'PROTOCOL_MESSAGE_INVALID', message: 'invalid message: expected a JSON text message matching the websocket API schema' },
      });
      return;
    }

    try {
      const actor = await this.#options.refreshActor(client.actor);
      if (actor === null) {
        throw new GatehouseError('AUTH_FORBIDDEN', 'forbidden: this user no longer exists', { context: { user: client.actor.name } });
      }
      client.actor = actor;
      assertAllowed(actor, messageActions[message.type]);
      switch (message.type) {
        case 'command': {
          const command = await this.#options.commands.send(actor, message.nodeId, message.payload);
          this.#send(client, { type: 'reply', id: message.id, command });
          break;
        }
        case 'subscribeLog':
          this.#send(client, { type: 'reply', id: message.id });
          if (message.enabled && !client.logSubscribed) {
            // Entries still waiting for the next batch reach this client with that batch.
            const waiting = new Set(this.#pendingLog);
            this.#send(client, { type: 'log', entries: this.#options.liveLog.recent().filter((entry) => !waiting.has(entry)) });
          }
          client.logSubscribed = message.enabled;
          break;
      }
    } catch (error) {
      if (!isGatehouseError(error)) {
        throw error;
      }
      client.logger.info({ code: error.code, messageType: message.type }, 'websocket message rejected');
      this.#send(client, { type: 'error', id: message.id, error: { code: error.code, message: error.message } });
    }
  }

  #parse(text: string | null): ClientMessage | null {
    if (text === null) {
      return null;
    }
    try {
      const result = clientMessageSchema.safeParse(JSON.parse(text));
      return result.success ? result.data : null;
    } catch {
      return null;
    }
  }

  #queueLogEntry(entry: LogEntry): void {
    this.#pendingLog.push(entry);
    if (this.#logTimer !== null) {
      return;
    }
    this.#logTimer = setTimeout(() => {
      this.#logTimer = null;
      const entries = this.#pendingLog;
      this.#pendingLog = [];
      const subscribers = [...this.#clients].filter((client) => client.logSubscribed);
      if (subscribers.length === 0) {
        return;
      }
      const text = JSON.stringify({ type: 'log', entries } satisfies ServerMessage);
      for (const client of subscribers) {
        this.#sendText(client, text);
      }
    }, logBatchIntervalMs);
    this.#logTimer.unref();
  }

  #broadcast(message: ServerMessage): void {
    // Serialize once for every client.
    const text = JSON.stringify(message);
    for (const client of this.#clients) {
      this.#sendText(client, text);
    }
  }

  #send(client: Client, message: ServerMessage): void {
    this.#sendText(client, JSON.stringify(message));
  }

  #sendText(client: Client, text: string): void {
    if (client.socket.readyState !== client.socket.OPEN) {
      return;
    }
    if (client.socket.bufferedAmount > maxBufferedBytes) {
      client.logger.warn({ bufferedBytes: client.socket.bufferedAmount }, 'websocket client too slow, disconnecting');
      client.socket.terminate();
      return;
    }
    client.socket.send(text);
  }

  /**
   * Resolve every client's role again, once per ping interval: the websocket of a removed user or a
   * revoked token is closed, and a client whose new role may not read the live log stops getting it.
   */
  async #recheckActors(): Promise<void> {
    await Promise.all(
      [...this.#clients].map(async (client) => {
        const actor = await this.#options.refreshActor(client.actor);
        if (actor === null) {
          client.logger.info('websocket user or token no longer exists, closing');
          // 4000 to 4999 are for applications (RFC 6455, section 7.4.2).
          client.socket.close(4403, 'user or token removed');
          return;
        }
        client.actor = actor;
        if (client.logSubscribed && !isAllowed(actor, messageActions.subscribeLog)) {
          client.logSubscribed = false;
        }
      }),
    );
  }

  /** Ping every client, and terminate each one that sent no pong for the previous ping. */
  #pingAll(): void {
    this.#recheckActors().catch((error: unknown) => {
      this.#options.logger.error({ err: error }, 'checking websocket clients against users and tokens failed');
    });
    for (const client of this.#clients) {
      if (!client.alive) {
        client.logger.info('websocket client missed a ping, terminating');
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }
}
