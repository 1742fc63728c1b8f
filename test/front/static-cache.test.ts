import assert from 'node:assert/strict';
import { test } from 'node:test';

import { cacheControlFor } from '../../src/front/static-cache.js';

const cases: [string, string][] = [
  ['assets/index-B4xY12_z.js', 'public, max-age=31536000, immutable'],
  ['assets/index-DkQ3c9aA.css', 'public, max-age=31536000, immutable'],
  ['assets/uplot-a1B2c3D4e5.js', 'public, max-age=31536000, immutable'],
  ['index.html', 'no-cache'],
  ['manifest.webmanifest', 'no-cache'],
  ['icons/icon-192.png', 'no-cache'],
  // Too short to be Vite's hash, or outside assets/: a fixed name that a release may overwrite.
  ['assets/app.js', 'no-cache'],
  ['assets/app-12.js', 'no-cache'],
  ['other/index-B4xY12_z.js', 'no-cache'],
  ['assets/nested/index-B4xY12_z.js', 'no-cache'],
];

void test('cache control per built file', () => {
  for (const [file, expected] of cases) {
    assert.equal(cacheControlFor(file), expected, file);
  }
});
