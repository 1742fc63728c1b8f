import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { ClientAddressResolver } from '../../src/front/client-address.js';
import { parseForwarded, parseXForwardedFor } from '../../src/front/forwarded-header.js';
import { canonicalAddress } from '../../src/front/ip-address.js';

const resolver = new ClientAddressResolver(['127.0.0.1', '10.0.0.0/8', '2001:db8:1::/48', '::1']);

function clientOf(peer: string, headers: Record<string, string>): string {
  const result = resolver.resolve(peer, headers);
  assert.ok(result.ok, JSON.stringify(headers));
  return result.client;
}

void describe('canonicalAddress', () => {
  void test('maps and compresses', () => {
    assert.equal(canonicalAddress('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(canonicalAddress('::FFFF:c000:0201'), '192.0.2.1');
    assert.equal(canonicalAddress('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(canonicalAddress('fe80::1%eth0'), 'fe80::1');
    assert.equal(canonicalAddress('192.0.2.1'), '192.0.2.1');
  });

  void test('rejects non-addresses', () => {
    for (const text of ['', 'localhost', '1.2.3', '01.2.3.4', '[::1]', '1.2.3.4:80', '::g']) {
      assert.equal(canonicalAddress(text), null, text);
    }
  });
});

void describe('ClientAddressResolver', () => {
  void test('untrusted peer ignores headers', () => {
    const headers = { 'x-forwarded-for': '127.0.0.1', forwarded: 'for=127.0.0.1' };
    assert.equal(clientOf('192.0.2.9', headers), '192.0.2.9');
    assert.equal(clientOf('::ffff:192.0.2.9', headers), '192.0.2.9');
  });

  void test('trusted peer without headers', () => {
    assert.equal(clientOf('127.0.0.1', {}), '127.0.0.1');
  });

  void test('right-most untrusted hop', () => {
    assert.equal(clientOf('127.0.0.1', { 'x-forwarded-for': '198.51.100.1, 192.0.2.7, 10.1.1.1' }), '192.0.2.7');
    assert.equal(clientOf('::ffff:127.0.0.1', { 'x-forwarded-for': '192.0.2.7' }), '192.0.2.7');
    assert.equal(clientOf('::1', { 'x-forwarded-for': '2001:db8:2::5, 2001:db8:1::9' }), '2001:db8:2::5');
    assert.equal(clientOf('127.0.0.1', { forwarded: 'for=192.0.2.60;proto=https, for="[2001:db8:1::17]:4711"' }), '192.0.2.60');
  });

  void test('all hops trusted gives the left-most', () => {
    assert.equal(clientOf('127.0.0.1', { 'x-forwarded-for': '10.0.0.5, 10.0.0.6' }), '10.0.0.5');
  });

  void test('unnamed hop stops at its reporter', () => {
    assert.equal(clientOf('127.0.0.1', { forwarded: 'for=192.0.2.1, for=unknown, for=10.0.0.3' }), '10.0.0.3');
    assert.equal(clientOf('127.0.0.1', { forwarded: 'for=192.0.2.1, for=_hidden' }), '127.0.0.1');
  });

  void test('agreeing headers are accepted', () => {
    assert.equal(clientOf('127.0.0.1', { 'x-forwarded-for': '192.0.2.3', forwarded: 'for=192.0.2.3' }), '192.0.2.3');
  });

  void test('disagreeing headers are rejected', () => {
    assert.equal(resolver.resolve('127.0.0.1', { 'x-forwarded-for': '192.0.2.3', forwarded: 'for=192.0.2.4' }).ok, false);
  });

  void test('invalid headers from a trusted peer', () => {
    for (const headers of [{ 'x-forwarded-for': 'evil.example' }, { 'x-forwarded-for': '1.2.3.4.5' }, { forwarded: 'for=[::1]' }, { forwarded: 'for' }, { forwarded: 'for="192.0.2.1' }]) {
      assert.equal(resolver.resolve('127.0.0.1', headers).ok, false, JSON.stringify(headers));
    }
  });

  void test('invalid config entry throws', () => {
    assert.throws(() => new ClientAddressResolver(['10.0.0.0/33']), /front\.trustedProxies/);
    assert.throws(() => new ClientAddressResolver(['proxy.lan']), /front\.trustedProxies/);
  });
});

void describe('forwarding header parsers', () => {
  void test('X-Forwarded-For forms', () => {
    assert.deepEqual(parseXForwardedFor('192.0.2.1, , [2001:db8::1]:80,192.0.2.2:8080, 2001:DB8::2'), ['192.0.2.1', '2001:db8::1', '192.0.2.2', '2001:db8::2']);
    assert.equal(parseXForwardedFor('192.0.2.1 192.0.2.2'), null);
  });

  void test('Forwarded forms', () => {
    assert.deepEqual(parseForwarded('For="[2001:db8:cafe::17]:4711"'), ['2001:db8:cafe::17']);
    assert.deepEqual(parseForwarded('for=192.0.2.43, for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com'), ['192.0.2.43', '198.51.100.17']);
    assert.deepEqual(parseForwarded('proto=https'), [null]);
    assert.deepEqual(parseForwarded('for="\\192.0.2.1"'), ['192.0.2.1']);
    assert.equal(parseForwarded('for=192.0.2.1;for=192.0.2.2'), null);
    assert.equal(parseForwarded('for=192.0.2.1 x'), null);
  });

  void test('never throw on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        const hops = [parseXForwardedFor(value), parseForwarded(value), parseForwarded(`for=${value}`), parseForwarded(`for="${value}"`)];
        for (const parsed of hops) {
          for (const hop of parsed ?? []) {
            assert.ok(hop === null || canonicalAddress(hop) === hop, String(hop));
          }
        }
        resolver.resolve('127.0.0.1', { 'x-forwarded-for': value, forwarded: value });
      }),
      { numRuns: 3000 },
    );
  });

  void test('never throw on address-like strings', () => {
    const addressLike = fc.stringMatching(/^[0-9a-fA-F:.[\]%,; =_"unkow]{0,60}$/);
    fc.assert(
      fc.property(addressLike, (value) => {
        parseXForwardedFor(value);
        parseForwarded(value);
        resolver.resolve('127.0.0.1', { 'x-forwarded-for': value });
      }),
      { numRuns: 3000 },
    );
  });
});
