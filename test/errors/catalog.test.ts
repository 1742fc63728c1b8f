import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { errorCatalog } from '../../src/errors/index.js';

test('error docs list every code with its status', async () => {
  const page = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map<string, number>();
  for (const match of page.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)) {
    documented.set(match[1] ?? '', Number(match[2]));
  }

  for (const [code, entry] of Object.entries(errorCatalog)) {
    assert.equal(documented.get(code), entry.status, `docs/errors.md: ${code} missing or with another status`);
  }
  assert.deepEqual([...documented.keys()].sort(), Object.keys(errorCatalog).sort(), 'docs/errors.md lists codes the catalog does not have');
});
