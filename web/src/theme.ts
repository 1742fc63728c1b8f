import { Observable } from './observable.js';

/** `system` follows prefers-color-scheme; the others override it. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const storageKey = 'gatehouse-theme';

function readStoredChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(storageKey);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    // Storage can be disabled by the browser's privacy settings.
    return 'system';
  }
}

export const theme = new Observable<ThemeChoice>(readStoredChoice());

/** Applies the choice as `data-theme` on <html>, which the stylesheet reads; `system` removes it. */
function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') {
    document.documentElement.removeAttribute('data-theme');
  } else {
    document.documentElement.setAttribute('data-theme', choice);
  }
}

export function setTheme(choice: ThemeChoice): void {
  theme.set(choice);
  applyTheme(choice);
  try {
    if (choice === 'system') {
      window.localStorage.removeItem(storageKey);
    } else {
      window.localStorage.setItem(storageKey, choice);
    }
  } catch {
    // The choice then lasts until the page is closed.
  }
}

applyTheme(theme.get());
