import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { serverMessageSchema } from '../../src/protocol/index.js';
import type { ServerMessage } from '../../src/protocol/index.js';

/** The policy the front sends with the UI. The browser reports anything in the page that breaks it. */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:";

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Rejects after `ms` milliseconds with a message naming what did not happen. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A queue whose consumers wait for the next item, used for connections and messages. */
class WaitQueue<T> {
  readonly #items: T[] = [];
  readonly #waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) {
      this.#items.push(item);
    } else {
      waiter(item);
    }
  }

  async next(timeoutMs: number, what: string): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) {
      return item;
    }
    return withTimeout(new Promise<T>((resolve) => this.#waiters.push(resolve)), timeoutMs, what);
  }
}

function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  if (data instanceof ArrayBuffer) {
    return Buffer.from(data).toString('utf8');
  }
  return data.toString('utf8');
}

/** One browser's websocket, from the scripted hub's side. */
export class HubPeer {
  readonly socket: WebSocket;
  readonly #messages = new WaitQueue<unknown>();

  constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: RawData) => {
      const text = rawDataToText(data);
      try {
        this.#messages.push(JSON.parse(text));
      } catch {
        this.#messages.push(text);
      }
    });
  }

  /** Sends a message after checking it against the wire schema, so the fixtures cannot drift from it. */
  send(message: ServerMessage): void {
    this.socket.send(JSON.stringify(serverMessageSchema.parse(message)));
  }

  /** Sends a frame as is, valid or not. */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  async nextMessage(timeoutMs = 5000): Promise<unknown> {
    return this.#messages.next(timeoutMs, 'a message from the page');
  }
}

/**
 * A stand-in for the hub behind the front: a `ws` server the test scripts, which can be stopped
 * (closing every socket and rejecting new upgrades with 503) and started again.
 */
export class ScriptedHub {
  #server: WebSocketServer | null = null;
  readonly #peers = new WaitQueue<HubPeer>();

  get running(): boolean {
    return this.#server !== null;
  }

  start(): void {
    if (this.#server !== null) {
      return;
    }
    const server = new WebSocketServer({ noServer: true, maxPayload: 4096 });
    server.on('connection', (socket) => {
      // ws crashes the process on a socket error without a listener, for example an oversized frame.
      socket.on('error', () => undefined);
      this.#peers.push(new HubPeer(socket));
    });
    this.#server = server;
  }

  /** Closes every open socket with 1012 (service restart) and rejects upgrades until `start()`. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === null) {
      return;
    }
    this.#server = null;
    for (const client of server.clients) {
      client.close(1012, 'hub restarting');
    }
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  async nextPeer(timeoutMs = 5000): Promise<HubPeer> {
    return this.#peers.next(timeoutMs, 'the page to open a websocket');
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const server = this.#server;
    if (server === null) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    server.handleUpgrade(request, socket, head, (client) => {
      server.emit('connection', client, request);
    });
  }
}

/** An HTTP server on 127.0.0.1 that serves the built UI with the front's CSP and passes /ws to the hub. */
export class UiServer {
  readonly hub = new ScriptedHub();
  readonly #root: string;
  readonly #server: Server;

  constructor(root: string) {
    this.#root = normalize(root);
    this.#server = createServer((request, response) => {
      void this.#serveFile(request.url ?? '/').then(
        ({ status, type, body }) => {
          response.writeHead(status, {
            'Content-Type': type,
            'Content-Security-Policy': contentSecurityPolicy,
            'Cache-Control': 'no-store',
          });
          response.end(body);
        },
        () => {
          response.writeHead(500).end();
        },
      );
    });
    this.#server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== '/ws') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.hub.handleUpgrade(request, socket, head);
    });
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  async listen(): Promise<void> {
    this.hub.start();
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
  }

  async close(): Promise<void> {
    await this.hub.stop();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  async #serveFile(rawUrl: string): Promise<{ status: number; type: string; body: Buffer | string }> {
    const pathname = decodeURIComponent(new URL(rawUrl, 'http://127.0.0.1').pathname);
    // The page requests /api/health before each reconnect, so that a browser renews its session.
    if (pathname === '/api/health') {
      return { status: 200, type: 'application/json', body: '{"status":"ok"}' };
    }
    const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
    const file = normalize(join(this.#root, relative));
    if (!file.startsWith(this.#root + sep)) {
      return { status: 404, type: 'text/plain', body: 'not found' };
    }
    try {
      const body = await readFile(file);
      return { status: 200, type: contentTypes[extname(file)] ?? 'application/octet-stream', body };
    } catch {
      return { status: 404, type: 'text/plain', body: 'not found' };
    }
  }
}
