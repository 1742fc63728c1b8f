import type { Page } from 'playwright-core';

/**
 * Records into `problems` what should never happen on a Gatehouse page: console errors, uncaught
 * page errors and dialogs (which are dismissed so the test goes on).
 */
export function recordPageProblems(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => {
    problems.push(`page error: ${error.message}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
}
