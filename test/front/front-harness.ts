import { mkdir, writeFile } from 'node:fs/promises';
import { brotliCompressSync } from 'node:zlib';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { WebSocketServer } from 'ws';

import type { AuditEvent, AuditRecorder } from '../../src/audit/types.js';
import type { CredentialVerifier, TokenVerifier } from '../../src/auth/types.js';
import { startFront, type FrontOptions, type RunningFront } from '../../src/front/index.js';
import { ensureCertificate } from '../../src/tls/index.js';
import { createCapturingLogger, createTemporaryFolder } from './helpers.js';

export const testUser = 'alice';
export const testPassword = 'correct horse battery';
export const testSecret = 'test-proxy-secret-0123456789';
export const indexHtml = '<!doctype html><title>Gatehouse</title>';
/** A bundle name in Vite's `<name>-<hash>.js` form, under assets/ in the test web root. */
export const hashedAssetName = 'index-B4xY12_z.js';

/** The one user of the tests; a real verifier checks the users file instead. */
export const testVerifier: CredentialVerifier = {
  verify: (user, password) => Promise.resolve(user === testUser && password === testPassword),
};

/** The one API token of the tests, named "ci" with the viewer role. */
export const testToken = 'gh_test-token.0123456789~abcdef';
export const testTokens: TokenVerifier = {
  verify: (token) => Promise.resolve(token === testToken ? { name: 'ci', role: 'viewer' } : null),
};

/** Creates an audit recorder that keeps every event in memory. */
export function createRecordingAudit(): { audit: AuditRecorder; events: Omit<AuditEvent, 'source'>[] } {
  const events: Omit<AuditEvent, 'source'>[] = [];
  return {
    events,
    audit: {
      record: (event) => {
        events.push({ ...event, time: event.time ?? new Date().toISOString() });
      },
    },
  };
}

export function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** A stand-in hub: records the headers of each request and upgrade, responds with JSON, echoes on /ws. */
export interface StandInHub {
  port: number;
  requests: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
  upgrades: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startStandInHub(): Promise<StandInHub> {
  const requests: StandInHub['requests'] = [];
  const upgrades: StandInHub['upgrades'] = [];

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json', 'content-security-policy': "default-src *" });
      response.end(JSON.stringify({ ok: true }));
    });
  });

  const websockets = new WebSocketServer({ server, path: '/ws' });
  websockets.on('connection', (socket, request) => {
    upgrades.push({ url: request.url ?? '', headers: request.headers });
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  websockets.on('error', () => undefined);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    requests,
    upgrades,
    async close() {
      for (const client of websockets.clients) {
        client.terminate();
      }
      await new Promise<void>((resolve) => websockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TestFront {
  front: RunningFront;
  cert: string;
  certFile: string;
  keyFile: string;
  logLines: Record<string, unknown>[];
  /** Events recorded by the default audit recorder; empty when `overrides.audit` replaces it. */
  auditEvents: Omit<AuditEvent, 'source'>[];
  close(): Promise<void>;
}

/**
 * Start a front on 127.0.0.1 with ports 0, a generated certificate, a web root with index.html
 * (unless `withWebRoot` is false) and the given hub port. `overrides` replace any of these options.
 */
export async function startTestFront(hubPort: number, settings: { withWebRoot?: boolean; overrides?: Partial<FrontOptions> } = {}): Promise<TestFront> {
  const temporary = await createTemporaryFolder();
  const { logger, lines } = createCapturingLogger();
  const pair = await ensureCertificate({ dataDir: temporary.folder, logger });
  const recording = createRecordingAudit();

  const webRoot = path.join(temporary.folder, 'web');
  if (settings.withWebRoot !== false) {
    await mkdir(path.join(webRoot, 'assets'), { recursive: true });
    await writeFile(path.join(webRoot, 'index.html'), indexHtml);
    await writeFile(path.join(webRoot, 'assets', 'app.js'), 'console.log("ui");\n');
    await writeFile(path.join(webRoot, 'assets', hashedAssetName), 'console.log("hashed");\n');
    // The copy the build writes for browsers that accept brotli.
    await writeFile(path.join(webRoot, 'assets', `${hashedAssetName}.br`), brotliCompressSync('console.log("hashed");\n'));
    await writeFile(path.join(webRoot, 'manifest.webmanifest'), '{"name":"Gatehouse"}\n');
  }

  const front = await startFront({
    listenAddress: '127.0.0.1',
    httpPort: 0,
    httpsPort: 0,
    cert: pair.cert,
    key: pair.key,
    hub: { host: '127.0.0.1', port: hubPort },
    proxySecret: testSecret,
    verifier: testVerifier,
    tokens: testTokens,
    audit: recording.audit,
    publicOrigins: [],
    trustedProxies: [],
    session: { idleMinutes: 60, absoluteHours: 24 },
    // High enough that tests sending many wrong passwords see 401s; the login limit tests lower it.
    loginLimits: { freeFailures: 100, maxDelaySeconds: 60, windowMinutes: 15 },
    webRoot,
    logger,
    ...settings.overrides,
  });

  return {
    front,
    cert: pair.cert,
    certFile: pair.certFile,
    keyFile: pair.keyFile,
    logLines: lines,
    auditEvents: recording.events,
    async close() {
      await front.close();
      await temporary.remove();
    },
  };
}

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Send one HTTPS request that trusts only `ca`, on a fresh connection. */
export function requestHttps(
  port: number,
  ca: string,
  settings: { path?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      { host: '127.0.0.1', port, path: settings.path ?? '/', method: settings.method ?? 'GET', headers: settings.headers ?? {}, ca, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(settings.body);
  });
}
