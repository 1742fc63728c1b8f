import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type NginxSiteInput, renderNginxSite, websocketTimeoutSeconds } from '../../src/deploy/nginx/index.js';
import { isGatehouseError } from '../../src/errors/index.js';

const secret = 'ab'.repeat(32);

const base: NginxSiteInput = {
  listenAddress: '0.0.0.0',
  httpPort: 80,
  httpsPort: 8443,
  serverNames: ['home.example.org', '192.168.1.5'],
  certFile: '/var/lib/gatehouse/tls/cert.pem',
  keyFile: '/var/lib/gatehouse/tls/key.pem',
  usersFile: '/var/lib/gatehouse/users.htpasswd',
  webRoot: '/opt/gatehouse/dist/web',
  hubPort: 8080,
  pingIntervalSeconds: 30,
  proxySecret: secret,
  responseHeaders: { 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'self'" },
};

/** The lines of the block that starts with `opening` (such as "location /api/ {"), up to its closing brace. */
function block(text: string, opening: string): string {
  const start = text.indexOf(opening);
  assert.notEqual(start, -1, `no block "${opening}"`);
  const end = text.indexOf('\n    }', start);
  return text.slice(start, end);
}

function rejectsWithConfigInvalid(input: NginxSiteInput, pattern: RegExp): void {
  assert.throws(
    () => renderNginxSite(input),
    (error: unknown) => isGatehouseError(error) && error.code === 'CONFIG_INVALID' && pattern.test(error.message),
  );
}

test('render is deterministic', () => {
  assert.equal(renderNginxSite(base), renderNginxSite({ ...base }));
});

test('redirect keeps host and port', () => {
  const text = renderNginxSite(base);
  assert.match(text, /listen 0\.0\.0\.0:80 default_server;\n {4}server_name "";\n {4}server_tokens off;\n {4}return 400;/);
  assert.match(text, /return 301 https:\/\/\$host:8443\$request_uri;/);
  assert.match(text, /return 308 https:\/\/\$host:8443\$request_uri;/);
  assert.match(text, /server_name home\.example\.org 192\.168\.1\.5;/);
});

test('redirect to 443 omits the port', () => {
  const text = renderNginxSite({ ...base, httpsPort: 443 });
  assert.match(text, /return 301 https:\/\/\$host\$request_uri;/);
  assert.match(text, /\(\?::443\)\?\\\|\\1\\\|/);
});

test('acme webroot only when set', () => {
  assert.doesNotMatch(renderNginxSite(base), /acme-challenge/);
  const text = renderNginxSite({ ...base, acmeWebroot: '/var/www/acme' });
  assert.match(text, /location \^~ \/\.well-known\/acme-challenge\/ \{\n {8}root "\/var\/www\/acme";/);
});

test('TLS settings and auth', () => {
  const text = renderNginxSite(base);
  assert.match(text, /ssl_protocols TLSv1\.2 TLSv1\.3;/);
  assert.doesNotMatch(text, /TLSv1(\.1)? /);
  assert.match(text, /ssl_certificate "\/var\/lib\/gatehouse\/tls\/cert\.pem";/);
  assert.match(text, /ssl_certificate_key "\/var\/lib\/gatehouse\/tls\/key\.pem";/);
  assert.match(text, /auth_basic_user_file "\/var\/lib\/gatehouse\/users\.htpasswd";/);
  assert.match(text, /listen 0\.0\.0\.0:8443 ssl default_server;/);
  assert.match(text, /return 421;/);
});

test('security headers use always', () => {
  const text = renderNginxSite(base);
  assert.match(text, /add_header x-frame-options "DENY" always;/);
  assert.match(text, /add_header content-security-policy "default-src 'self'" always;/);
  assert.match(text, /proxy_hide_header x-frame-options;/);
  assert.doesNotMatch(text, /strict-transport-security/);
  assert.match(renderNginxSite({ ...base, hstsMaxAgeSeconds: 600 }), /add_header strict-transport-security "max-age=600" always;/);
});

for (const location of ['location = /ws {', 'location /api/ {']) {
  test(`proxy headers in ${location}`, () => {
    const text = block(renderNginxSite(base), location);
    assert.match(text, /proxy_pass http:\/\/gatehouse_8080_hub;/);
    assert.match(text, new RegExp(`proxy_set_header x-gatehouse-secret "${secret}";`));
    assert.match(text, /proxy_set_header x-gatehouse-user \$remote_user;/);
    assert.match(text, /proxy_set_header x-gatehouse-client \$remote_addr;/);
    for (const name of ['authorization', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'forwarded']) {
      assert.match(text, new RegExp(`proxy_set_header ${name} "";`), name);
    }
  });
}

test('websocket timeouts exceed the ping', () => {
  const text = block(renderNginxSite({ ...base, pingIntervalSeconds: 120 }), 'location = /ws {');
  assert.equal(websocketTimeoutSeconds(120), 250);
  assert.match(text, /proxy_read_timeout 250s;/);
  assert.match(text, /proxy_send_timeout 250s;/);
  assert.match(text, /proxy_set_header Upgrade \$http_upgrade;/);
  assert.match(text, /if \(\$gatehouse_8080_origin_ok = 0\) \{\n {12}return 403;/);
});

test('origin pattern matches like the front', () => {
  const text = renderNginxSite(base);
  const patterns = [...text.matchAll(/^ {4}"~(\*?)(.+)" 1;$/gm)].map((match) => new RegExp(match[2] ?? '', match[1] === '*' ? 'i' : ''));
  assert.equal(patterns.length, 2);
  const allowed = (origin: string, host: string, fetchMetadata = ''): boolean => patterns.some((pattern) => pattern.test(`${origin}|${host}|${fetchMetadata}`));

  assert.equal(allowed('https://home.example.org:8443', 'home.example.org'), true);
  assert.equal(allowed('https://[::1]:8443', '[::1]'), true);
  assert.equal(allowed('', 'home.example.org'), true);
  assert.equal(allowed('', 'home.example.org', 'websocketsame-originempty'), false);
  assert.equal(allowed('https://evil.example:8443', 'home.example.org'), false);
  assert.equal(allowed('http://home.example.org:8443', 'home.example.org'), false);
  assert.equal(allowed('https://home.example.org', 'home.example.org'), false);
  assert.equal(allowed('https://home.example.org:84430', 'home.example.org'), false);
  assert.equal(allowed('https://home.example.org.evil:8443', 'home.example.org'), false);
  assert.equal(allowed('null', 'home.example.org'), false);
});

test('IPv6 names and listen get brackets', () => {
  const text = renderNginxSite({ ...base, listenAddress: '::', serverNames: ['::1', 'HOME.example.org', 'home.example.org'] });
  assert.match(text, /listen \[::\]:8443 ssl;/);
  assert.match(text, /server_name \[::1\] home\.example\.org;/);
});

test('invalid names are rejected', () => {
  for (const name of ['*.example.org', '~^evil', 'a b', 'home;', '', 'evil.example/x']) {
    rejectsWithConfigInvalid({ ...base, serverNames: [name] }, /server-name/);
  }
  rejectsWithConfigInvalid({ ...base, serverNames: [] }, /no server names/);
});

test('unsafe paths are rejected', () => {
  for (const file of ['relative/cert.pem', '/tmp/$host/cert.pem', '/tmp/a"b', '/tmp/a\\b', '/tmp/a\nb']) {
    rejectsWithConfigInvalid({ ...base, certFile: file }, /front\.certFile/);
  }
  rejectsWithConfigInvalid({ ...base, webRoot: '/tmp/$uri' }, /web root/);
  rejectsWithConfigInvalid({ ...base, acmeWebroot: 'acme' }, /front\.acmeWebroot/);
});

test('bad secret or header is rejected', () => {
  rejectsWithConfigInvalid({ ...base, proxySecret: 'abc' }, /proxy secret/);
  rejectsWithConfigInvalid({ ...base, proxySecret: `${secret}"; evil` }, /proxy secret/);
  rejectsWithConfigInvalid({ ...base, responseHeaders: { 'x-test': 'a$b' } }, /x-test/);
  rejectsWithConfigInvalid({ ...base, responseHeaders: { 'x test': 'a' } }, /x test/);
  rejectsWithConfigInvalid({ ...base, listenAddress: 'localhost' }, /listenAddress/);
});
