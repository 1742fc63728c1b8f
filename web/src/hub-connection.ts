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
  /**
   * Handshakes in a row that failed while a plain request to /api/health succeeded. Two of them mean
   * something between the browser and the hub (a proxy) does not pass websockets.
   */
  #blockedHandshakes = 0;
  /** Views that show the live log; the subscription lasts while any is open, reconnects included. */
  #logViews = 0;
  /** Whether the last subscribeLog message on the current socket enabled the log. */
  #logSubscribed = false;
  #logReleaseTimer: ReturnType<typeof setTimeout> | undefined;

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

  /**
   * Subscribes to the live log for one view (the log page, a node's events) and returns the function
   * that ends it. It sends subscribeLog only when the first view opens and after the last one closed.
   */
  retainLog(): () => void {
    this.#logViews += 1;
    clearTimeout(this.#logReleaseTimer);
    this.#updateLogSubscription();
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      this.#logViews -= 1;
      // Moving from one log view to another unmounts the first before the second mounts, so the
      // unsubscribe waits a moment and a view that opens meanwhile keeps the subscription.
      clearTimeout(this.#logReleaseTimer);
      this.#logReleaseTimer = setTimeout(() => {
        this.#updateLogSubscription();
      }, 0);
    };
  }

  /** Sends subscribeLog when the wanted state differs from the last one sent on this socket. */
  #updateLogSubscription(): void {
    const wanted = this.#logViews > 0;
    if (wanted === this.#logSubscribed) {
      return;
    }
    const socket = this.#socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    if (!wanted) {
      this.#store.clearLog();
    }
    this.#logSubscribed = wanted;
    const message: ClientMessage = { type: 'subscribeLog', id: `log-${this.#nextCommandNumber}`, enabled: wanted };
    this.#nextCommandNumber += 1;
    socket.send(JSON.stringify(message));
  }

  #open(): void {
    this.#store.connection.set({ phase: 'connecting' });
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    let opened = false;

    socket.addEventListener('open', () => {
      opened = true;
      this.#blockedHandshakes = 0;
      this.#store.connection.set({ phase: 'open' });
      // A new socket starts without a subscription.
      this.#logSubscribed = false;
      this.#updateLogSubscription();
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
      if (opened) {
        this.#scheduleReconnect();
      } else {
        void this.#checkHandshakeFailure();
      }
    });
  }

  /**
   * Distinguishes a hub that is down (the health request fails too) from a path that blocks websockets
   * (the health request succeeds), then schedules the next attempt.
   */
  async #checkHandshakeFailure(): Promise<void> {
    const httpWorks = await renewSession();
    this.#blockedHandshakes = httpWorks ? this.#blockedHandshakes + 1 : 0;
    if (this.#socket === null) {
      this.#scheduleReconnect();
    }
  }

  #scheduleReconnect(): void {
    if (this.#stopped) {
      return;
    }
    const delay = retryDelayMs(this.#failedAttempts);
    this.#failedAttempts += 1;
    const phase = this.#blockedHandshakes >= 2 ? 'blocked' : 'waiting';
    this.#store.connection.set({ phase, retryAt: Date.now() + delay });
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
        this.#store.applySnapshot(message.user, message.links, message.nodes, message.requests, Date.now());
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
        this.#store.removeNode(message.nodeId);
        return;
      case 'request':
        this.#store.applyRequest(message.request);
        return;
      case 'command':
        this.#store.applyCommand(message.command);
        return;
      case 'log':
        this.#store.appendLog(message.entries);
        return;
      case 'error':
        this.#store.applyError(message.id, message.error);
        return;
    }
  }
}
