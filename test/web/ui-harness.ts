// Shared setup of the browser tests: a UiServer serving the built dist/web with the front's CSP, one
// headless Chromium (Debian's) context, fixtures and locator helpers.
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { nodeSchema } from '../../src/protocol/index.js';
import type { LinkStatus, Node, NodeInput, NodeRequest, Role, ServerMessage } from '../../src/protocol/index.js';
import { recordPageProblems } from '../support/page-problems.js';
import { UiServer } from './ui-server.js';
import type { HubPeer, ScriptedApi } from './ui-server.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const distDir = join(repoRoot, 'dist', 'web');
export const artifactsDir = join(repoRoot, 'test-artifacts');

/** Chromium flags for a quiet, offline headless run as root in a container. */
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Builds dist/web when it is missing. `npm test` builds it anyway before running the tests. */
async function ensureBuilt(): Promise<void> {
  try {
    await access(join(distDir, 'index.html'));
  } catch {
    const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
    await promisify(execFile)(process.execPath, [vite, 'build'], { cwd: repoRoot, timeout: 60_000 });
  }
}

export interface OpenedPage {
  page: Page;
  peer: HubPeer;
  /** Console errors, page errors, dialogs and CSP violations, in order. */
  problems: string[];
}

/** A scripted hub and one Chromium context; each test opens its own tab. */
export class UiSession {
  readonly server: UiServer;
  readonly #context: BrowserContext;
  readonly #userDataDir: string;
  readonly #problemsByPage = new WeakMap<Page, string[]>();

  private constructor(server: UiServer, context: BrowserContext, userDataDir: string) {
    this.server = server;
    this.#context = context;
    this.#userDataDir = userDataDir;
  }

  static async start(): Promise<UiSession> {
    await ensureBuilt();
    await mkdir(artifactsDir, { recursive: true });
    const server = new UiServer(distDir);
    await server.listen();
    addQuietRoutes(server.api);

    const userDataDir = await mkdtemp(join(tmpdir(), 'gatehouse-ui-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: chromiumFlags,
      viewport: { width: 1280, height: 800 },
      timeout: 30_000,
      acceptDownloads: true,
    });
    context.setDefaultTimeout(5000);
    const session = new UiSession(server, context, userDataDir);
    await context.exposeBinding('reportCspViolation', ({ page }, text: unknown) => {
      session.#problemsByPage.get(page)?.push(`CSP violation: ${String(text)}`);
    });
    await context.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) => {
        window.reportCspViolation(event.violatedDirective + ' blocked ' + event.blockedURI);
      });`,
    });
    return session;
  }

  async close(): Promise<void> {
    await this.#context.close();
    await this.server.close();
    await rm(this.#userDataDir, { recursive: true, force: true });
  }

  /** Opens an empty tab that records no problems, for tests that load the page themselves. */
  async openBlankPage(): Promise<Page> {
    return this.#context.newPage();
  }

  /** Opens the UI at `hash` in a new tab and returns it with the hub's end of its websocket. */
  async openPage(hash = ''): Promise<OpenedPage> {
    const page = await this.#context.newPage();
    const problems: string[] = [];
    this.#problemsByPage.set(page, problems);
    recordPageProblems(page, problems);
    await page.goto(`${this.server.url}${hash}`);
    const peer = await this.server.hub.nextPeer();
    return { page, peer, problems };
  }
}

/**
 * Adds the routes that the node page calls on every visit, with empty results, so that tests about
 * other parts of the page see no 404 errors. Tests add their own routes over these.
 */
export function addQuietRoutes(api: ScriptedApi): void {
  api.on('GET', /^\/api\/nodes\/\d+\/requests$/, () => ({ status: 200, body: [] }));
  api.on('GET', /^\/api\/nodes\/\d+\/metrics\/[^/]+\/history$/, (request) => {
    const [, nodeId, metric] = /^\/api\/nodes\/(\d+)\/metrics\/([^/]+)\/history$/.exec(request.path) ?? [];
    const from = Number(request.query.get('from'));
    const to = Number(request.query.get('to'));
    return { status: 200, body: { kind: 'numeric', nodeId: Number(nodeId), metric: decodeURIComponent(metric ?? ''), unit: null, resolution: 'raw', from, to, times: [], min: [], max: [], mean: [] } };
  });
}

export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

export function secondsAgo(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString();
}

export function openLink(gateway = 'radio'): LinkStatus {
  return {
    gateway,
    dialect: 'moteino',
    warning: null,
    state: 'open',
    port: '/dev/ttyUSB0',
    since: minutesAgo(5),
    reason: null,
    retryInMs: null,
    linesRead: 42,
    dropped: {},
  };
}

export function sampleNode(id: number, temperature: number | string, extra: Partial<NodeInput> = {}): Node {
  return nodeSchema.parse({
    id,
    lastSeen: secondsAgo(12),
    rssi: -67,
    packets: 10,
    metrics: {
      temperature: { value: temperature, unit: '°C', time: secondsAgo(12) },
      battery: { value: 3.1, unit: 'V', time: minutesAgo(3) },
    },
    ...extra,
  });
}

export function snapshot(role: Role, nodes: Node[], name = 'alice', requests: NodeRequest[] = [], links: LinkStatus[] = [openLink()]): ServerMessage {
  return { type: 'snapshot', user: { name, role }, links, nodes, requests };
}

export type TextCheck = string | RegExp | ((text: string) => boolean);

function textMatches(text: string, expected: TextCheck): boolean {
  if (typeof expected === 'string') {
    return text === expected;
  }
  return expected instanceof RegExp ? expected.test(text) : expected(text);
}

/** Polls the text of `locator` until it matches `expected` or the time runs out, and returns the last text read. */
export async function waitForText(locator: Locator, expected: TextCheck, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await locator.textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => null)) ?? '';
    if (textMatches(text, expected) || Date.now() >= deadline) {
      return text;
    }
    await delay(50);
  }
}

/** Polls `read` until it returns true or the time runs out; returns the last result. */
export async function waitUntil(read: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await read()) {
      return true;
    }
    if (Date.now() >= deadline) {
      return false;
    }
    await delay(50);
  }
}

export function banner(page: Page): Locator {
  return page.locator('.banners [role="status"]');
}

export function nodeCard(page: Page, id: number): Locator {
  return page.locator(`article.node[data-node-id="${id}"]`);
}

export function metricValue(page: Page, id: number, metric: string): Locator {
  return nodeCard(page, id).locator(`tr[data-metric="${metric}"] .metric-value`);
}

export function nodePage(page: Page): Locator {
  return page.locator('article.node-page');
}

export function pageMetricValue(page: Page, metric: string): Locator {
  return nodePage(page).locator(`tr[data-metric="${metric}"] .metric-value`);
}

/** Horizontal overflow of the page in CSS pixels; 0 when nothing sticks out. */
export async function horizontalOverflow(page: Page): Promise<number> {
  // A string, because this file is type-checked against Node's globals, not the DOM's.
  return Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
}
