import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { maxChallengeBytes } from '../../src/front/acme-challenge.js';
import { AllowedHosts } from '../../src/front/allowed-hosts.js';
import { startRedirectServer } from '../../src/front/redirect-server.js';
import { createCapturingLogger, createTemporaryFolder } from './helpers.js';

const execFileAsync = promisify(execFile);

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Send one raw request line, so targets reach the server exactly as written. */
function sendRaw(port: number, method: string, target: string, host = 'home.lan'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

const prefix = '/.well-known/acme-challenge/';
const token = 'Xk3_a-9Zt0kenValue';
const keyAuthorization = `${token}.thumbprint_0123456789-abcdefghijklmnopqrstuv`;

void describe('ACME challenges on the redirect port', () => {
  let server: Server;
  let port = 0;
  let folder = '';
  let removeFolder: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    ({ folder, remove: removeFolder } = await createTemporaryFolder());
    const webroot = path.join(folder, 'webroot');
    const challenges = path.join(webroot, '.well-known', 'acme-challenge');
    await mkdir(challenges, { recursive: true });
    await writeFile(path.join(folder, 'secret.txt'), 'outside the webroot\n');
    await writeFile(path.join(challenges, token), keyAuthorization);
    await writeFile(path.join(challenges, 'L'.repeat(255)), 'longest token');
    await writeFile(path.join(challenges, 'big'), 'x'.repeat(maxChallengeBytes + 1));
    await symlink(path.join(folder, 'secret.txt'), path.join(challenges, 'link'));
    await mkdir(path.join(challenges, 'folder'));
    await execFileAsync('mkfifo', [path.join(challenges, 'fifo')]);

    const allowedHosts = new AllowedHosts({ publicOrigins: [], httpsPort: 443, certificateNames: ['home.lan'] });
    server = await startRedirectServer({ listenAddress: '127.0.0.1', port: 0, allowedHosts, acmeWebroot: webroot, logger: createCapturingLogger().logger });
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await removeFolder();
  });

  void test('serves the challenge file', async () => {
    const response = await sendRaw(port, 'GET', `${prefix}${token}`);
    assert.equal(response.status, 200);
    assert.equal(response.body, keyAuthorization);
    assert.equal(response.headers['content-type'], 'text/plain');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers.location, undefined);
  });

  void test('HEAD gets no body', async () => {
    const response = await sendRaw(port, 'HEAD', `${prefix}${token}`);
    assert.equal(response.status, 200);
    assert.equal(response.body, '');
    assert.equal(response.headers['content-length'], String(keyAuthorization.length));
  });

  void test('serves for any Host', async () => {
    const response = await sendRaw(port, 'GET', `${prefix}${token}`, 'new-name.example.org');
    assert.equal(response.status, 200);
    assert.equal(response.body, keyAuthorization);
  });

  void test('serves a 255-character token', async () => {
    const response = await sendRaw(port, 'GET', `${prefix}${'L'.repeat(255)}`);
    assert.equal(response.status, 200);
    assert.equal(response.body, 'longest token');
  });

  void test('POST gets 405', async () => {
    const response = await sendRaw(port, 'POST', `${prefix}${token}`);
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'GET, HEAD');
  });

  const notFound: [string, string][] = [
    ['missing file', `${prefix}absent`],
    ['empty token', prefix],
    ['encoded slash', `${prefix}..%2f..%2fsecret.txt`],
    ['encoded dots', `${prefix}%2e%2e%2fsecret.txt`],
    ['plain dot-dot', `${prefix}../../secret.txt`],
    ['backslash', `${prefix}..\\..\\secret.txt`],
    ['encoded backslash', `${prefix}..%5c..%5csecret.txt`],
    ['nested path', `${prefix}a/b`],
    ['256 characters', `${prefix}${'L'.repeat(256)}`],
    ['symlink out', `${prefix}link`],
    ['folder', `${prefix}folder`],
    ['FIFO', `${prefix}fifo`],
    ['oversized file', `${prefix}big`],
    ['dot token', `${prefix}.`],
  ];
  for (const [name, target] of notFound) {
    void test(`404 for ${name}`, async () => {
      const response = await sendRaw(port, 'GET', target);
      assert.equal(response.status, 404);
      assert.equal(response.headers.location, undefined);
      assert.doesNotMatch(response.body, /outside the webroot/);
    });
  }

  void test('other paths still redirect', async () => {
    const response = await sendRaw(port, 'GET', '/.well-known/other');
    assert.equal(response.status, 301);
    assert.equal(response.headers.location, 'https://home.lan/.well-known/other');
  });
});

void describe('ACME challenge folder as symlink', () => {
  let server: Server;
  let port = 0;
  let removeFolder: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    const temporary = await createTemporaryFolder();
    removeFolder = temporary.remove;
    const outside = path.join(temporary.folder, 'outside');
    const webroot = path.join(temporary.folder, 'webroot');
    await mkdir(outside, { recursive: true });
    await mkdir(path.join(webroot, '.well-known'), { recursive: true });
    await writeFile(path.join(outside, token), 'outside the webroot\n');
    await symlink(outside, path.join(webroot, '.well-known', 'acme-challenge'));

    const allowedHosts = new AllowedHosts({ publicOrigins: [], httpsPort: 443 });
    server = await startRedirectServer({ listenAddress: '127.0.0.1', port: 0, allowedHosts, acmeWebroot: webroot, logger: createCapturingLogger().logger });
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await removeFolder();
  });

  void test('404 for a linked folder', async () => {
    const response = await sendRaw(port, 'GET', `${prefix}${token}`, 'localhost');
    assert.equal(response.status, 404);
    assert.doesNotMatch(response.body, /outside the webroot/);
  });
});

void describe('redirect port without acmeWebroot', () => {
  let server: Server;
  let port = 0;

  before(async () => {
    const allowedHosts = new AllowedHosts({ publicOrigins: [], httpsPort: 443 });
    server = await startRedirectServer({ listenAddress: '127.0.0.1', port: 0, allowedHosts, logger: createCapturingLogger().logger });
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  void test('redirects challenge paths', async () => {
    const response = await sendRaw(port, 'GET', `${prefix}${token}`, 'localhost');
    assert.equal(response.status, 301);
    assert.equal(response.headers.location, `https://localhost${prefix}${token}`);
  });
});
