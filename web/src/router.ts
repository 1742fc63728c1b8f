import { Observable } from './observable.js';
import { parseRoute } from './routes.js';
import type { Route } from './routes.js';

export type { Route } from './routes.js';

export function nodeHref(nodeId: number): string {
  return `#/node/${nodeId}`;
}

/** The current route, updated on every hash change. Hash routing needs no server route per page. */
export const route = new Observable<Route>(parseRoute(window.location.hash));

window.addEventListener('hashchange', () => {
  route.set(parseRoute(window.location.hash));
  window.scrollTo(0, 0);
});
