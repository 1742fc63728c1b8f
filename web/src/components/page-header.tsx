import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';

export function PageHeader({ store, onLogOut }: { store: HubStore; onLogOut: () => void }) {
  const user = useObservable(store.user);
  return (
    <header class="page-header">
      <h1>Gatehouse</h1>
      {user !== null && (
        <p class="user">
          Signed in as <strong class="user-name">{user.name}</strong>{' '}
          <span class="role">{user.role}</span>{' '}
          <button type="button" class="link-button log-out" onClick={onLogOut}>
            Log out
          </button>
        </p>
      )}
    </header>
  );
}
