import { canSendCommands, isAdmin } from '../hub-store.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';
import type { Route } from '../router.js';
import { setTheme, theme } from '../theme.js';
import type { ThemeChoice } from '../theme.js';

const nextTheme: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export function PageHeader({ store, route, onLogOut }: { store: HubStore; route: Route; onLogOut: () => void }) {
  const user = useObservable(store.user);
  const choice = useObservable(theme);
  const current = (page: Route['page']): 'page' | undefined => (route.page === page ? 'page' : undefined);

  return (
    <header class="page-header">
      <h1>
        <a href="#/" class="home-link">
          Gatehouse
        </a>
      </h1>
      <nav aria-label="Pages">
        <a href="#/" aria-current={current('dashboard')}>
          Dashboard
        </a>
        {canSendCommands(user) && (
          <a href="#/log" aria-current={current('log')}>
            Live log
          </a>
        )}
        {isAdmin(user) && (
          <a href="#/settings" aria-current={current('settings')}>
            Settings
          </a>
        )}
      </nav>
      <p class="user">
        {user !== null && (
          <>
            Signed in as <strong class="user-name">{user.name}</strong> <span class="role">{user.role}</span>{' '}
          </>
        )}
        <button
          type="button"
          class="link-button theme-toggle"
          onClick={() => {
            setTheme(nextTheme[choice]);
          }}
        >
          Theme: {choice}
        </button>
        {user !== null && (
          <button type="button" class="link-button log-out" onClick={onLogOut}>
            Log out
          </button>
        )}
      </p>
    </header>
  );
}
