import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { AllowedHosts } from '../../src/front/allowed-hosts.js';
import { parseHostHeader } from '../../src/front/host-header.js';

const hosts = new AllowedHosts({ publicOrigins: ['https://home.example.org', 'https://pi.example.net:8443'], httpsPort: 443, certificateNames: ['gateway.lan'] });

function allowedHost(value: string): boolean {
  const authority = parseHostHeader(value);
  assert.ok(authority !== null, value);
  return hosts.isAllowedHost(authority);
}

test('allowed hosts include own and configured names', () => {
  for (const value of ['home.example.org', 'pi.example.net:8443', 'gateway.lan', 'localhost', '127.0.0.1', '[::1]', 'HOME.example.org.']) {
    assert.equal(allowedHost(value), true, value);
  }
  const own = hostname().toLowerCase();
  if (/^[a-z0-9.-]+$/.test(own)) {
    assert.equal(allowedHost(own), true, own);
  }
});

test('allowed hosts reject foreign names', () => {
  for (const value of ['evil.example', 'home.example.org.evil.example', 'example.org', '10.255.255.254']) {
    assert.equal(allowedHost(value), false, value);
  }
});

test('allowed origins need https and the port', () => {
  const cases: Array<[string, boolean]> = [
    ['https://home.example.org', true],
    ['https://pi.example.net:8443', true],
    ['https://localhost', true],
    ['https://127.0.0.1', true],
    ['https://localhost:8443', false],
    ['http://localhost', false],
    ['https://evil.example', false],
    ['null', false],
    ['https://home.example.org@evil.example', false],
    ['', false],
  ];
  for (const [origin, expected] of cases) {
    assert.equal(hosts.isAllowedOrigin(origin), expected, origin);
  }
});

test('primary origin is the first configured', () => {
  assert.equal(hosts.primaryOrigin, 'https://home.example.org');
  assert.equal(new AllowedHosts({ publicOrigins: [], httpsPort: 443 }).primaryOrigin, null);
});
