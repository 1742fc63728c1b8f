import { commandRequestMessage, serverMessageSchema } from '../../src/protocol/index.js';
import type { ClientMessage, ServerMessage } from '../../src/protocol/index.js';
import { retryDelayMs } from './backoff.js';
import type { HubStore } from './hub-store.js';
import { renewSession } from './session.js';

/**
 * The websocket to the hub (through the front). It validates every message against the shared wire
 * schemas, feeds valid ones to the store, counts and drops the rest, and reconnects by itself with
 * backoff whenever the socket closes.
 */
export class HubConnection {
  readonly #url: string;
  readonly #store: HubStore;
  #socket: WebSocket | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Reconnect attempts since the last snapshot. A snapshot proves that the hub works, so it resets the count. */
  #failedAttempts = 0;
  #nextCommandNumber = 1;
  #stopped = false;

  constructor(url: string, store: HubStore) {
    this.#url = url;
    this.#store = store;
  }

  start(): void {
    this.#stopped = false;
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.close();
    this.#socket = null;
  }

  /** Skips the rest of the current backoff delay and connects at once. */
  reconnectNow(): void {
    if (this.#socket !== null || this.#stopped) {
      return;
    }
    clearTimeout(this.#retryTimer);
    void this.#reopen();
  }

  /** Sends a command to node `nodeId`, and the store tracks its status until the hub's reply arrives. */
  sendCommand(nodeId: number, payload: string): void {
    const socket = this.#socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) {
      this.#store.commandRejected(nodeId, payload, 'Not connected to the hub. Try again once the banner says connected.');
      return;
    }

    const id = `command-${this.#nextCommandNumber}`;
    this.#nextCommandNumber += 1;
    const parsed = commandRequestMessage.safeParse({ type: 'command', id, nodeId, payload });
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'invalid command';
      this.#store.commandRejected(nodeId, payload, `Invalid command: ${problem}.`);
      return;
    }

    const message: ClientMessage = parsed.data;
    this.#store.commandSent(id, nodeId, payload);
    socket.send(JSON.stringify(message));
  }

  #open(): void {
    this.#store.connection.set({ phase: 'connecting' });
    const socket = new WebSocket(this.#url);
    this.#socket = socket;

    socket.addEventListener('open', () => {
      this.#store.connection.set({ phase: 'open' });
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      this.#receive(event.data);
    });
    // Every failed or lost connection ends with 'close', so reconnecting is handled there alone.
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) {
        return;
      }
      this.#socket = null;
      this.#store.connectionLost();
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (this.#stopped) {
      return;
    }
    const delay = retryDelayMs(this.#failedAttempts);
    this.#failedAttempts += 1;
    this.#store.connection.set({ phase: 'waiting', retryAt: Date.now() + delay });
    this.#retryTimer = setTimeout(() => {
      void this.#reopen();
    }, delay);
  }

  /** Renews the session with one plain request, then opens the websocket unless stopped meanwhile. */
  async #reopen(): Promise<void> {
    this.#store.connection.set({ phase: 'connecting' });
    await renewSession();
    if (!this.#stopped && this.#socket === null) {
      this.#open();
    }
  }

  #receive(data: unknown): void {
    // The hub sends text frames only, so a binary frame is as invalid as a wrong shape.
    if (typeof data !== 'string') {
      this.#store.countDrop('invalidMessage');
      return;
    }

    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.#store.countDrop('invalidJson');
      return;
    }

    const parsed = serverMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.#store.countDrop('invalidMessage');
      return;
    }
    this.#apply(parsed.data);
  }

  #apply(message: ServerMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.#failedAttempts = 0;
        this.#store.applySnapshot(message.user, message.links, message.nodes, Date.now());
        return;
      case 'node':
        this.#store.applyNode(message.node);
        return;
      case 'link':
        this.#store.applyLink(message.link, Date.now());
        return;
      case 'reply':
        if (message.command !== undefined) {
          this.#store.applyReply(message.id, message.command);
        }
        return;
      case 'nodeRemoved':
      case 'request':
      case 'command':
      case 'log':
        // TODO: the page does not show removals, requests, queued commands or the live log yet.
        return;
      case 'error':
        this.#store.applyError(message.id, message.error);
        return;
    }
  }
}
