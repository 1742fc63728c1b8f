import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { AllowedHosts } from '../../src/front/allowed-hosts.js';
import { redirectFor, startRedirectServer } from '../../src/front/redirect-server.js';
import { startTestFront, type TestFront } from './front-harness.js';
import { createCapturingLogger, findClosedPort } from './helpers.js';

/** Send raw bytes and return the response head (status line and headers), so any Host value can be sent. */
function sendRaw(port: number, text: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const head = Buffer.concat(chunks).toString('latin1').split('\r\n\r\n')[0] ?? '';
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const location = headerLines.find((line) => line.toLowerCase().startsWith('location:'))?.slice('location:'.length).trim();
      resolve({ status: Number(statusLine.split(' ')[1]), location });
    });
  });
}

function rawRequest(host: string | undefined, method = 'GET', target = '/x'): string {
  const hostLine = host === undefined ? '' : `Host: ${host}\r\n`;
  return `${method} ${target} HTTP/1.1\r\n${hostLine}Connection: close\r\n\r\n`;
}

void describe('redirect server through startFront', () => {
  let running: TestFront;

  before(async () => {
    running = await startTestFront(await findClosedPort());
  });
  after(() => running.close());

  void test('GET gets 301 to HTTPS', async () => {
    const response = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port: running.front.httpPort, path: '/a/b?c=1', agent: false }, (incoming) => {
        incoming.resume();
        resolve({ status: incoming.statusCode ?? 0, location: incoming.headers.location });
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    assert.equal(response.status, 301);
    assert.equal(response.location, `https://127.0.0.1:${running.front.httpsPort}/a/b?c=1`);
  });

  void test('POST gets 308', async () => {
    const response = await sendRaw(running.front.httpPort, `POST /api/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    assert.equal(response.status, 308);
    assert.equal(response.location, `https://127.0.0.1:${running.front.httpsPort}/api/nodes`);
  });
});

void describe('redirect server with hostile Host', () => {
  let server: Server;
  let port = 0;

  before(async () => {
    const allowedHosts = new AllowedHosts({ publicOrigins: [], httpsPort: 443, certificateNames: ['home.lan', 'home', '192.0.2.7'] });
    server = await startRedirectServer({ listenAddress: '127.0.0.1', port: 0, allowedHosts, logger: createCapturingLogger().logger });
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const rejected: [string, string | undefined][] = [
    ['userinfo', 'evil.com@x'],
    ['path', 'a/b'],
    ['backslash', 'a\\b'],
    ['empty', ''],
    ['missing', undefined],
    ['very long', `${'a'.repeat(63)}.`.repeat(5)],
    ['inner space', 'a b'],
    ['bare IPv6', '::1'],
    ['IPv6 zone', '[fe80::1%25eth0]'],
    ['numeric name', '1.2.3'],
    ['port too big', 'home:70000'],
    ['two ports', 'home:80:81'],
    ['foreign host', 'evil.example'],
    ['suffix of allowed', 'home.lan.evil.example'],
    ['foreign address', '198.51.100.9'],
  ];
  for (const [name, host] of rejected) {
    void test(`400 for ${name}`, async () => {
      const response = await sendRaw(port, rawRequest(host));
      assert.equal(response.status, 400);
      assert.equal(response.location, undefined);
    });
  }

  const accepted: [string, string, string][] = [
    ['name with port', 'home.lan:80', 'https://home.lan/x'],
    ['upper case', 'HOME', 'https://home/x'],
    ['IPv4', '192.0.2.7', 'https://192.0.2.7/x'],
    ['IPv6', '[::1]:8080', 'https://[::1]/x'],
  ];
  for (const [name, host, location] of accepted) {
    void test(`redirects ${name}`, async () => {
      const response = await sendRaw(port, rawRequest(host));
      assert.equal(response.status, 301);
      assert.equal(response.location, location);
    });
  }

  void test('400 for absolute-form target', async () => {
    const response = await sendRaw(port, rawRequest('home', 'GET', 'http://evil.example/x'));
    assert.equal(response.status, 400);
    assert.equal(response.location, undefined);
  });

  void test('keeps a double slash on the host', () => {
    const hosts = new AllowedHosts({ publicOrigins: [], httpsPort: 8443, certificateNames: ['home'] });
    const redirect = redirectFor('GET', 'home', '//evil.example/x', hosts);
    assert.equal(redirect.location, 'https://home:8443//evil.example/x');
    assert.equal(new URL(redirect.location ?? '').host, 'home:8443');
  });
});

void describe('redirect server with public origins', () => {
  let server: Server;
  let port = 0;

  before(async () => {
    const allowedHosts = new AllowedHosts({
      publicOrigins: ['https://home.example.org', 'https://pi.example.net:8443'],
      httpsPort: 9443,
      certificateNames: ['gateway.lan'],
    });
    server = await startRedirectServer({ listenAddress: '127.0.0.1', port: 0, allowedHosts, logger: createCapturingLogger().logger });
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const cases: [string, string, string][] = [
    ['public host', 'home.example.org', 'https://home.example.org/p?q=1'],
    ['public host with port', 'pi.example.net:8080', 'https://pi.example.net:8443/p?q=1'],
    ['certificate name', 'gateway.lan', 'https://gateway.lan:9443/p?q=1'],
    ['own address', '127.0.0.1', 'https://127.0.0.1:9443/p?q=1'],
    ['foreign host', 'evil.example', 'https://home.example.org/p?q=1'],
    ['userinfo', 'evil.example@home.example.org', 'https://home.example.org/p?q=1'],
    ['backslash', 'evil.example\\home.example.org', 'https://home.example.org/p?q=1'],
  ];
  for (const [name, host, location] of cases) {
    void test(`${name} redirects to its origin`, async () => {
      const response = await sendRaw(port, rawRequest(host, 'GET', '/p?q=1'));
      assert.equal(response.status, 301);
      assert.equal(response.location, location);
    });
  }

  // Node's HTTP server itself rejects an HTTP/1.1 request without Host (its requireHostHeader option).
  void test('missing Host gets 400', async () => {
    const response = await sendRaw(port, rawRequest(undefined, 'GET', '/p?q=1'));
    assert.equal(response.status, 400);
    assert.equal(response.location, undefined);
  });

  void test('Location never leaves allowed hosts', () => {
    const hosts = new AllowedHosts({ publicOrigins: ['https://home.example.org'], httpsPort: 443 });
    for (const host of ['evil.example', 'EVIL.example:80', '[2001:db8::1]', 'home.example.org.evil.example', 'a'.repeat(300)]) {
      const redirect = redirectFor('GET', host, '/x', hosts);
      assert.equal(new URL(redirect.location ?? 'https://missing.invalid/').host, 'home.example.org', host);
    }
  });
});

