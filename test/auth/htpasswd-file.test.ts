import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bcryptCostOf, classifyHash } from '../../src/auth/hash-kind.js';
import { parseHtpasswd, serializeLines } from '../../src/auth/htpasswd-file.js';

// Made with `htpasswd -nbB` and `htpasswd -nb` from Debian 12's apache2-utils.
const bcryptHash = '$2y$05$KfN.WlG/JllSqBhTgG0eS.smXis6INrRHU3SPFnnepHLND1GR..b2';
const apr1Hash = '$apr1$4yPlPzN4$JQsSa/5Rs4DlydsGIz6wk.';
const sha1Hash = '{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=';

void describe('classifyHash', () => {
  const cases: [string, string][] = [
    [bcryptHash, 'bcrypt'],
    [bcryptHash.replace('$2y$', '$2b$'), 'bcrypt'],
    [bcryptHash.replace('$2y$', '$2a$'), 'bcrypt'],
    [bcryptHash.replace('$2y$', '$2x$'), 'unknown'],
    [bcryptHash.slice(0, -1), 'unknown'],
    [bcryptHash.replace('$05$', '$03$'), 'unknown'],
    [apr1Hash, 'apr1-md5'],
    [sha1Hash, 'sha1'],
    ['$5$rounds=5000$salt$hash', 'sha256-crypt'],
    ['$6$salt$hash', 'sha512-crypt'],
    ['abJnggxhB/yWI', 'des-crypt'],
    ['plain text', 'unknown'],
  ];
  for (const [hash, kind] of cases) {
    void test(`${hash.slice(0, 12)}… is ${kind}`, () => {
      assert.equal(classifyHash(hash), kind);
    });
  }

  void test('bcrypt cost read from hash', () => {
    assert.equal(bcryptCostOf(bcryptHash), 5);
  });
});

void describe('parseHtpasswd', () => {
  void test('reads name and hash', () => {
    const parsed = parseHtpasswd(`alice:${bcryptHash}\n`, 'users');
    const alice = parsed.users.get('alice');
    assert.equal(alice?.hash, bcryptHash);
    assert.equal(alice?.hashKind, 'bcrypt');
    assert.equal(alice?.line, 1);
    assert.deepEqual(parsed.issues, []);
  });

  void test('skips comments and blank lines', () => {
    const parsed = parseHtpasswd(`# users\n\nalice:${bcryptHash}\n   \n`, 'users');
    assert.equal(parsed.users.size, 1);
    assert.equal(parsed.users.get('alice')?.line, 3);
    assert.deepEqual(parsed.issues, []);
  });

  void test('accepts CRLF and no final newline', () => {
    const parsed = parseHtpasswd(`alice:${bcryptHash}\r\nbob:${bcryptHash}`, 'users');
    assert.equal(parsed.users.get('alice')?.hash, bcryptHash);
    assert.equal(parsed.users.get('bob')?.hash, bcryptHash);
  });

  void test('ignores fields after the hash', () => {
    const parsed = parseHtpasswd(`alice:${bcryptHash}:Alice Liddell\n`, 'users');
    assert.equal(parsed.users.get('alice')?.hash, bcryptHash);
  });

  void test('reports malformed lines by number', () => {
    const text = [`alice:${bcryptHash}`, 'no colon here', ':nameless', 'bad name:x', 'empty:', `bob:${bcryptHash}`].join('\n');
    const parsed = parseHtpasswd(text, 'users.htpasswd');
    assert.deepEqual([...parsed.users.keys()], ['alice', 'bob']);
    assert.deepEqual(
      parsed.issues.map((issue) => issue.line),
      [2, 3, 4, 5],
    );
    assert.match(parsed.issues[0]?.message ?? '', /no ":"/);
    assert.match(parsed.issues[1]?.message ?? '', /empty/);
    assert.match(parsed.issues[2]?.message ?? '', /whitespace/);
    assert.match(parsed.issues[3]?.message ?? '', /empty hash/);
    assert.equal(parsed.issues[0]?.file, 'users.htpasswd');
  });

  void test('first of duplicate names wins', () => {
    const parsed = parseHtpasswd(`alice:${bcryptHash}\nalice:${apr1Hash}\n`, 'users');
    assert.equal(parsed.users.get('alice')?.line, 1);
    assert.equal(parsed.issues.length, 1);
    assert.match(parsed.issues[0]?.message ?? '', /also on line 1/);
  });

  void test('reports unsupported hashes', () => {
    const parsed = parseHtpasswd(`md5:${apr1Hash}\nsha:${sha1Hash}\ncrypt:abJnggxhB/yWI\n`, 'users');
    assert.equal(parsed.users.get('md5')?.hashKind, 'apr1-md5');
    assert.equal(parsed.issues.length, 3);
    for (const issue of parsed.issues) {
      assert.match(issue.message, /htpasswd -B/);
    }
    assert.match(parsed.issues[0]?.message ?? '', /MD5 \(\$apr1\$\)/);
    assert.match(parsed.issues[1]?.message ?? '', /SHA-1/);
    assert.match(parsed.issues[2]?.message ?? '', /DES crypt/);
  });

  void test('serialize keeps lines unchanged', () => {
    const text = `# comment\nalice:${bcryptHash}\ngarbage\n`;
    assert.equal(serializeLines(parseHtpasswd(text, 'users').lines), text);
  });

  void test('random text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const parsed = parseHtpasswd(text, 'users');
        assert.ok(parsed.users.size <= parsed.lines.length);
      }),
    );
  });
});
