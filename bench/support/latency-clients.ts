import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';

/** Connection settings of the clients: the URL, the request headers and the CA to trust for wss. */
export interface ClientEndpoint {
  url: string;
  headers: Record<string, string>;
  ca?: string;
}

interface NodeUpdate {
  type?: unknown;
  node?: { metrics?: Record<string, { value?: unknown } | undefined> };
}

/** How long one client may take from connecting to its snapshot. */
const snapshotTimeoutMs = 15_000;

/**
 * One websocket client that stores, per sequence number, the `performance.now()` time its `node`
 * message arrived. The time is taken first in the message handler, before the JSON is parsed.
 */
export class LatencyClient {
  /** Receive time in ms per sequence number, or NaN while that update has not arrived. */
  readonly receivedAt: Float64Array;
  /** Distinct sequence numbers received so far. */
  receivedCount = 0;
  /** Node updates whose sequence number had already arrived. */
  duplicates = 0;
  /** Messages that are not JSON, and node updates whose `seq` metric is not an integer from 0 to lineCount - 1. */
  invalidMessages = 0;
  /** Close code when the connection ended before close() was called, else null. */
  closedEarly: number | null = null;

  readonly #socket: WebSocket;
  #closing = false;

  private constructor(socket: WebSocket, lineCount: number) {
    this.#socket = socket;
    this.receivedAt = new Float64Array(lineCount).fill(Number.NaN);
  }

  /** Connect and resolve once the hub's snapshot has arrived. A rejected upgrade rejects with its HTTP status. */
  static connect(endpoint: ClientEndpoint, lineCount: number): Promise<LatencyClient> {
    const socket = new WebSocket(endpoint.url, { headers: endpoint.headers, ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }) });
    const client = new LatencyClient(socket, lineCount);

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`no snapshot from ${endpoint.url} within ${snapshotTimeoutMs} ms`));
      }, snapshotTimeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };

      socket.once('unexpected-response', (_request, response) => {
        fail(new Error(`websocket upgrade to ${endpoint.url} rejected with HTTP ${String(response.statusCode)}`));
        socket.terminate();
      });
      socket.once('error', fail);
      socket.on('close', (code) => {
        if (!client.#closing) {
          client.closedEarly = code;
        }
      });
      socket.on('message', (data: Buffer) => {
        const now = performance.now();
        let message: NodeUpdate;
        try {
          message = JSON.parse(data.toString('utf8')) as NodeUpdate;
        } catch {
          client.invalidMessages += 1;
          return;
        }
        if (message.type === 'snapshot') {
          clearTimeout(timer);
          socket.off('error', fail);
          // After the snapshot an error only ends this client, which counts as missing updates.
          socket.on('error', () => undefined);
          resolve(client);
          return;
        }
        if (message.type === 'node') {
          client.#record(message, now);
        }
      });
    });
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Close with 1000 and wait up to 2 s for the close handshake, then terminate. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#socket.readyState === WebSocket.CLOSED) {
      return;
    }
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    this.#socket.close(1000);
    const timedOut = await Promise.race([closed.then(() => false), delay(2000).then(() => true)]);
    if (timedOut) {
      this.#socket.terminate();
    }
  }

  #record(message: NodeUpdate, now: number): void {
    const seq = message.node?.metrics?.seq?.value;
    // Updates of the warm-up nodes carry no seq metric and are not measured.
    if (seq === undefined) {
      return;
    }
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq >= this.receivedAt.length) {
      this.invalidMessages += 1;
      return;
    }
    if (Number.isNaN(this.receivedAt[seq])) {
      this.receivedAt[seq] = now;
      this.receivedCount += 1;
    } else {
      this.duplicates += 1;
    }
  }
}

/**
 * Open `count` clients: the first alone, so that its login fills the front's password cache, then
 * the rest `batchSize` at a time. On failure every client opened so far is closed.
 */
export async function openClients(endpoint: ClientEndpoint, count: number, lineCount: number, batchSize = 10): Promise<LatencyClient[]> {
  const clients: LatencyClient[] = [];
  try {
    clients.push(await LatencyClient.connect(endpoint, lineCount));
    while (clients.length < count) {
      const batch = Math.min(batchSize, count - clients.length);
      const opened = await Promise.allSettled(Array.from({ length: batch }, () => LatencyClient.connect(endpoint, lineCount)));
      for (const result of opened) {
        if (result.status === 'fulfilled') {
          clients.push(result.value);
        }
      }
      const failed = opened.find((result) => result.status === 'rejected');
      if (failed !== undefined) {
        throw failed.reason;
      }
    }
  } catch (error) {
    await Promise.all(clients.map((client) => client.close()));
    throw error;
  }
  return clients;
}
