import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { parseBasicAuthorization } from '../../src/front/basic-auth.js';
import { isBearerScheme, parseBearerAuthorization } from '../../src/front/bearer-auth.js';
import { isSameOrigin, parseHostHeader } from '../../src/front/host-header.js';
import { AllowedHosts } from '../../src/front/allowed-hosts.js';
import { checkOrigin } from '../../src/front/request-guard.js';
import { parseSessionCookies, sessionCookie } from '../../src/front/session-cookie.js';

const encode = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

void describe('parseBasicAuthorization', () => {
  void test('splits at the first colon', () => {
    assert.deepEqual(parseBasicAuthorization(`Basic ${encode('alice:pa:ss')}`), { kind: 'basic', user: 'alice', password: 'pa:ss' });
  });

  void test('accepts UTF-8 and any scheme case', () => {
    assert.deepEqual(parseBasicAuthorization(`bAsIc ${encode('zoë:pässwörd')}`), { kind: 'basic', user: 'zoë', password: 'pässwörd' });
  });

  void test('missing header', () => {
    assert.equal(parseBasicAuthorization(undefined).kind, 'missing');
    assert.equal(parseBasicAuthorization('').kind, 'missing');
  });

  void test('rejects malformed values', () => {
    const values = [
      'Basic',
      'Basic ',
      'Basic  ',
      'Bearer abc',
      'Basicabc',
      'Basic a',
      'Basic YWxpY2U',
      'Basic YWxpY2U=',
      `Basic ${encode(':x')}`,
      `Basic ${encode('a\u0000:b')}`,
      `Basic ${encode('a:b\n')}`,
      `Basic ${Buffer.from([0xc3, 0x28, 0x3a, 0x61]).toString('base64')}`,
      `Basic ${encode('a:b')},Basic ${encode('c:d')}`,
      `Basic ${'A'.repeat(8000)}`,
    ];
    for (const value of values) {
      assert.equal(parseBasicAuthorization(value).kind, 'invalid', JSON.stringify(value.slice(0, 40)));
    }
  });

  void test('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        parseBasicAuthorization(value);
        parseBasicAuthorization(`Basic ${value}`);
      }),
      { numRuns: 2000 },
    );
  });

  void test('round-trips valid credentials', () => {
    const user = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((text) => !text.includes(':') && !/\p{Cc}/u.test(text));
    const password = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !/\p{Cc}/u.test(text));
    fc.assert(
      fc.property(user, password, (name, secret) => {
        assert.deepEqual(parseBasicAuthorization(`Basic ${encode(`${name}:${secret}`)}`), { kind: 'basic', user: name, password: secret });
      }),
      { numRuns: 500 },
    );
  });
});

void describe('parseHostHeader', () => {
  void test('parses names and literals', () => {
    assert.deepEqual(parseHostHeader('Home.LAN:8443'), { host: 'home.lan', port: 8443 });
    assert.deepEqual(parseHostHeader('192.0.2.1'), { host: '192.0.2.1', port: undefined });
    assert.deepEqual(parseHostHeader('[2001:DB8::1]:443'), { host: '[2001:db8::1]', port: 443 });
  });

  void test('never throws and never yields separators', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        const parsed = parseHostHeader(value);
        if (parsed !== null) {
          assert.doesNotMatch(parsed.host, /[/@\\\s?#%]/);
          assert.equal(new URL(`https://${parsed.host}/`).host, parsed.host);
        }
      }),
      { numRuns: 3000 },
    );
  });

  void test('redirect host equals the parsed host', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 65535 }), (labels, port) => {
        const host = labels.join('.');
        assert.deepEqual(parseHostHeader(`${host}:${port}`), { host, port });
      }),
      { numRuns: 500 },
    );
  });
});

void describe('origin check', () => {
  void test('isSameOrigin treats 443 as default', () => {
    assert.equal(isSameOrigin('https://home', { host: 'home', port: 443 }), true);
    assert.equal(isSameOrigin('https://home:443', { host: 'home', port: undefined }), true);
    assert.equal(isSameOrigin('https://home:8443', { host: 'home', port: 8443 }), true);
    assert.equal(isSameOrigin('https://home:8443', { host: 'home', port: undefined }), false);
    assert.equal(isSameOrigin('http://home', { host: 'home', port: undefined }), false);
    assert.equal(isSameOrigin('https://home.evil', { host: 'home', port: undefined }), false);
    assert.equal(isSameOrigin('https://user@home', { host: 'home', port: undefined }), false);
  });

  void test('checkOrigin policy for missing Origin', () => {
    const hosts = new AllowedHosts({ publicOrigins: ['https://home.example.org'], httpsPort: 443 });
    assert.equal(checkOrigin({ host: 'home' }, hosts).ok, true);
    assert.equal(checkOrigin({ host: 'home', 'sec-fetch-site': 'same-origin' }, hosts).ok, false);
    assert.equal(checkOrigin({ origin: 'https://home.example.org' }, hosts).ok, true);
    assert.equal(checkOrigin({ origin: 'https://evil.example' }, hosts).ok, false);
  });
});

void describe('parseSessionCookies', () => {
  const value = 'a'.repeat(22) + 'B_-9'.repeat(5) + 'z';

  void test('finds the session among others', () => {
    assert.deepEqual(parseSessionCookies(`theme=dark; __Host-gatehouse_session=${value}; x=1`), [value]);
    assert.deepEqual(parseSessionCookies(`__Host-gatehouse_session=${value};__Host-gatehouse_session=${value}`), [value, value]);
  });

  void test('ignores malformed values', () => {
    for (const header of [undefined, '', `gatehouse_session=${value}`, `__Host-gatehouse_session=${value}x`, `__Host-gatehouse_session="${value}"`, `__host-gatehouse_session=${value}`]) {
      assert.deepEqual(parseSessionCookies(header), [], String(header));
    }
  });

  void test('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (header) => {
        for (const found of parseSessionCookies(header)) {
          assert.match(found, /^[A-Za-z0-9_-]{43}$/);
        }
        parseSessionCookies(`__Host-gatehouse_session=${header}`);
      }),
      { numRuns: 2000 },
    );
  });

  void test('cookie attributes', () => {
    assert.equal(sessionCookie(value, 3600), `__Host-gatehouse_session=${value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=3600`);
  });
});

void describe('parseBearerAuthorization', () => {
  void test('accepts a b64token', () => {
    assert.deepEqual(parseBearerAuthorization('Bearer abc-._~+/9=='), { kind: 'bearer', token: 'abc-._~+/9==' });
    assert.deepEqual(parseBearerAuthorization('bearer  xyz'), { kind: 'bearer', token: 'xyz' });
  });

  void test('rejects malformed values', () => {
    for (const value of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a=b', 'Bearer ä', `Bearer ${'a'.repeat(2000)}`, 'Basic abc']) {
      assert.equal(parseBearerAuthorization(value).kind, 'invalid', value.slice(0, 40));
    }
  });

  void test('scheme detection', () => {
    assert.equal(isBearerScheme('Bearer x'), true);
    assert.equal(isBearerScheme('BEARER'), true);
    assert.equal(isBearerScheme('Bearerx'), false);
    assert.equal(isBearerScheme('Basic x'), false);
  });

  void test('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        const parsed = parseBearerAuthorization(value);
        parseBearerAuthorization(`Bearer ${value}`);
        isBearerScheme(value);
        if (parsed.kind === 'bearer') {
          assert.match(parsed.token, /^[A-Za-z0-9\-._~+/]+=*$/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
