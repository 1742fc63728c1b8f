/**
 * First-load benchmark of the web UI in Debian's headless Chromium against the real front and hub.
 * It measures the bytes a browser downloads for the page's JS and CSS, and the time from the start
 * of navigation to the first node card drawn.
 *
 *   node --import tsx bench/ui-first-load.ts --runs 10
 *
 * It starts the built `gatehouse hub` and `gatehouse front` (run `npm run build` first) with a socat
 * pseudo-terminal as the radio gateway, writes lines for a few nodes, and then loads the dashboard
 * `--runs` times in fresh browser contexts (empty cache) and `--runs` times as reloads (warm cache).
 * Transfer sizes are the gzip sizes of the JS and CSS bodies (zlib level 6, what a gzip-enabled
 * proxy would send); the built-in front sends them uncompressed, which the raw column shows.
 * docs/benchmarks.md records results.
 */
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { spkiHash } from '../test/e2e/browser.js';
import { benchUser, GatehouseInstance } from './support/gatehouse-instance.js';
import { percentile } from './support/latency-stats.js';

const usage = `usage: node --import tsx bench/ui-first-load.ts [--runs N]
  --runs N   page loads per mode (cold and warm cache), 1 to 100 (default 10)`;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, help: { type: 'boolean', default: false } } });
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  console.error(`invalid --runs ${values.runs}: expected a whole number from 1 to 100\n${usage}`);
  process.exit(2);
}

/** Records, inside the page, the time the first node card appears (ms since navigation start). */
const firstNodeProbe = `
  new MutationObserver((_, observer) => {
    if (document.querySelector('article.node') !== null) {
      window.__firstNodeMs = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

interface LoadResult {
  firstNodeMs: number;
  /** Uncompressed bytes of the JS and CSS responses. */
  rawBytes: number;
  gzipBytes: number;
  /** Body bytes as sent by the front (brotli or gzip when the browser accepts it). */
  wireBytes: number;
  files: string[];
}

async function measureLoad(page: Page, url: string, reload: boolean): Promise<LoadResult> {
  const bodies: Promise<{ url: string; size: number; gzip: number; wire: number }>[] = [];
  page.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (/javascript|css/.test(type)) {
      bodies.push(
        Promise.all([response.body(), response.request().sizes()]).then(
          ([body, sizes]) => ({
            url: new URL(response.url()).pathname,
            size: body.length,
            gzip: gzipSync(body, { level: 6 }).length,
            wire: sizes.responseBodySize,
          }),
          // A 304 from the warm cache has no body to measure.
          () => ({ url: new URL(response.url()).pathname, size: 0, gzip: 0, wire: 0 }),
        ),
      );
    }
  });
  if (reload) {
    await page.reload();
  } else {
    await page.goto(url);
  }
  await page.locator('article.node').first().waitFor({ timeout: 20_000 });
  const firstNodeMs = Number(await page.evaluate('window.__firstNodeMs'));
  const files = await Promise.all(bodies);
  page.removeAllListeners('response');
  return {
    firstNodeMs,
    rawBytes: files.reduce((total, file) => total + file.size, 0),
    gzipBytes: files.reduce((total, file) => total + file.gzip, 0),
    wireBytes: files.reduce((total, file) => total + file.wire, 0),
    files: files.map((file) => file.url),
  };
}

/** Formats one line of results. Sizes appear only for cold loads, because a warm load reads the files from the cache. */
function summarize(label: string, results: LoadResult[], withSizes: boolean): string {
  const times = Float64Array.from(results.map((result) => result.firstNodeMs)).sort();
  const first = results[0];
  return [
    label.padEnd(12),
    `first node p50 ${percentile(times, 0.5).toFixed(0)} ms`,
    `p90 ${percentile(times, 0.9).toFixed(0)} ms`,
    `max ${(times.at(-1) ?? 0).toFixed(0)} ms`,
    ...(withSizes
      ? [
          `JS+CSS sent ${((first?.wireBytes ?? 0) / 1024).toFixed(1)} KiB`,
          `gzip ${((first?.gzipBytes ?? 0) / 1024).toFixed(1)} KiB`,
          `raw ${((first?.rawBytes ?? 0) / 1024).toFixed(1)} KiB`,
        ]
      : []),
  ].join(' | ');
}

const instance = await GatehouseInstance.start();
let browser: Browser | undefined;
try {
  for (let id = 1; id <= 6; id += 1) {
    await instance.radio.write(`[${id}] C:${20 + id}.5 H:4${id} BAT:3.${id}v SS:-6${id}\n`);
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--ignore-certificate-errors-spki-list=${spkiHash(instance.ca)}`],
  });
  const url = `${instance.origin}/`;
  const cold: LoadResult[] = [];
  const warm: LoadResult[] = [];
  for (let run = 0; run < runs; run += 1) {
    const context = await browser.newContext({ httpCredentials: { username: benchUser.name, password: benchUser.password, origin: instance.origin } });
    await context.addInitScript({ content: firstNodeProbe });
    const page = await context.newPage();
    cold.push(await measureLoad(page, url, false));
    warm.push(await measureLoad(page, url, true));
    await context.close();
  }
  console.log(`files on a cold load: ${cold[0]?.files.join(', ') ?? 'none'}`);
  console.log(summarize('cold cache', cold, true));
  console.log(summarize('warm cache', warm, false));
} finally {
  await browser?.close();
  await instance.stop();
}
