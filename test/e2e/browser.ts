// Headless Chromium (Debian's) for end-to-end tests against a real front: it trusts only the front's
// generated certificate, logs in with basic auth, and records every console error, page error, dialog
// and CSP violation of a page.
import { createHash, X509Certificate } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { recordPageProblems } from '../support/page-problems.js';
import type { Credentials } from '../support/stack.js';

/** Chromium flags for a quiet, offline headless run as root in a container. */
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Returns the base64 SHA-256 hash of the certificate's SubjectPublicKeyInfo, the form that Chromium's
 * `--ignore-certificate-errors-spki-list` takes.
 */
export function spkiHash(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/**
 * Launches Chromium trusting the one certificate `certificatePem`. Unlike with `ignoreHTTPSErrors`, any
 * other certificate still fails the page load (net::ERR_CERT_AUTHORITY_INVALID).
 */
export async function launchChromium(certificatePem: string): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...chromiumFlags, `--ignore-certificate-errors-spki-list=${spkiHash(certificatePem)}`],
    timeout: 30_000,
  });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors, dialogs and CSP violations, in the order they happened. */
  problems: string[];
}

/**
 * Opens `url` in a new browser context logged in as `user`. The credentials are sent only to `origin`,
 * and only after the front's 401 challenge.
 */
export async function openUserPage(browser: Browser, origin: string, user: Credentials, url = `${origin}/`): Promise<UserPage> {
  const context = await browser.newContext({
    httpCredentials: { username: user.name, password: user.password, origin },
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(5000);
  const problems: string[] = [];

  await context.exposeBinding('reportCspViolation', (_source, text: unknown) => {
    problems.push(`CSP violation: ${String(text)}`);
  });
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation(event.violatedDirective + ' blocked ' + event.blockedURI);
    });`,
  });

  const page = await context.newPage();
  recordPageProblems(page, problems);

  const response = await page.goto(url);
  if (response?.status() !== 200) {
    await context.close();
    throw new Error(`GET ${url} as ${user.name} returned HTTP ${response?.status() ?? 'no response'}, expected 200`);
  }
  return { context, page, problems };
}

export type TextCheck = string | RegExp;

/** Polls the text of `locator` until it matches `expected` or `timeoutMs` passes, and returns the last text read. */
export async function waitForText(locator: Locator, expected: TextCheck, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = Math.max(1, deadline - Date.now());
    const text = (await locator.textContent({ timeout: remaining }).catch(() => null)) ?? '';
    const matches = typeof expected === 'string' ? text === expected : expected.test(text);
    if (matches || Date.now() >= deadline) {
      return text;
    }
    await delay(50);
  }
}
