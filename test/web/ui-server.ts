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
  '.webmanifest': 'application/manifest+json',
};

/** One REST request the page made to the scripted hub. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
}

/** A REST route of the scripted hub: returns the response, or undefined to pass to the next route. */
export type ApiHandler = (request: ApiRequest) => ApiResponse | undefined;

/**
 * The hub's REST API as the tests script it: each test adds handlers, every request is recorded, and a
 * request that no handler takes gets the hub's 404 error body.
 */
export class ScriptedApi {
  readonly requests: ApiRequest[] = [];
  #handlers: ApiHandler[] = [];

  /** Adds a handler for `method` and an exact path or a path pattern. Later handlers win. */
  on(method: string, path: string | RegExp, respond: (request: ApiRequest) => ApiResponse): void {
    this.#handlers.unshift((request) => {
      const pathMatches = typeof path === 'string' ? request.path === path : path.test(request.path);
      return request.method === method && pathMatches ? respond(request) : undefined;
    });
  }

  reset(): void {
    this.#handlers = [];
    this.requests.length = 0;
  }

  /** Returns the recorded requests with this method whose path matches. */
  requestsTo(method: string, path: string | RegExp): ApiRequest[] {
    return this.requests.filter((request) => request.method === method && (typeof path === 'string' ? request.path === path : path.test(request.path)));
  }

  handle(request: ApiRequest): ApiResponse {
    this.requests.push(request);
    for (const handler of this.#handlers) {
      const response = handler(request);
      if (response !== undefined) {
        return response;
      }
    }
    return { status: 404, body: { error: { code: 'ROUTE_NOT_FOUND', message: `nothing at ${request.method} ${request.path}` } } };
  }
}

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
    let waiter: ((item: T) => void) | undefined;
    const arrival = new Promise<T>((resolve) => {
      waiter = resolve;
      this.#waiters.push(resolve);
    });
    try {
      return await withTimeout(arrival, timeoutMs, what);
    } finally {
      // A consumer that timed out must not swallow the next item meant for a later consumer.
      const index = this.#waiters.indexOf(waiter as (item: T) => void);
      if (index !== -1) {
        this.#waiters.splice(index, 1);
      }
    }
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

  /**
   * Returns the next message that is not a live log subscription. An operator's node page subscribes
   * to the log for its events, so those messages come between the commands a test waits for.
   */
  async nextCommand(timeoutMs = 5000): Promise<unknown> {
    for (;;) {
      const message = await this.nextMessage(timeoutMs);
      if ((message as { type?: unknown } | null)?.type !== 'subscribeLog') {
        return message;
      }
    }
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

/**
 * An HTTP server on 127.0.0.1 that serves the built UI with the front's CSP, serves /api/ from the
 * scripted REST API and passes /ws to the scripted hub.
 */
export class UiServer {
  readonly hub = new ScriptedHub();
  readonly api = new ScriptedApi();
  /**
   * When true, websocket upgrades get 400 while plain requests still work, as behind a proxy that does
   * not pass websockets.
   */
  blockWebsockets = false;
  readonly #root: string;
  readonly #server: Server;

  constructor(root: string) {
    this.#root = normalize(root);
    this.#server = createServer((request, response) => {
      const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      if (pathname.startsWith('/api/')) {
        void this.#serveApi(request).then(
          ({ status, body }) => {
            response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
            response.end(body === undefined ? undefined : JSON.stringify(body));
          },
          () => {
            response.writeHead(500).end();
          },
        );
        return;
      }
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
      if (this.blockWebsockets) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
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

  async #serveApi(request: IncomingMessage): Promise<ApiResponse> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    // The page requests /api/health before each reconnect, so that a browser renews its session. Like
    // the real front, the scripted one returns 502 while the hub is down.
    if (url.pathname === '/api/health') {
      return this.hub.running ? { status: 200, body: { status: 'ok' } } : { status: 502, body: { error: { code: 'HUB_UNAVAILABLE', message: 'the hub is not reachable' } } };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    // The path stays percent-encoded, as the hub's router receives it, so an encoded slash stays inside its segment.
    return this.api.handle({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, body });
  }

  async #serveFile(rawUrl: string): Promise<{ status: number; type: string; body: Buffer | string }> {
    const pathname = decodeURIComponent(new URL(rawUrl, 'http://127.0.0.1').pathname);
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
