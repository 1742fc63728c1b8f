// Pure route parsing, kept apart from router.ts so that Node tests can import it without a window.

/** A page of the UI, from the part of the URL after `#`. */
export type Route =
  | { page: 'dashboard' }
  | { page: 'node'; nodeId: number }
  | { page: 'log' }
  | { page: 'settings' }
  | { page: 'notFound'; hash: string };

/** Parses a location hash such as "#/node/14" into a route; an empty hash is the dashboard. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/') {
    return { page: 'dashboard' };
  }
  if (path === '/log') {
    return { page: 'log' };
  }
  if (path === '/settings') {
    return { page: 'settings' };
  }
  const node = /^\/node\/([1-9]\d{0,3})$/.exec(path);
  const nodeId = Number(node?.[1]);
  if (node !== null && nodeId <= 1023) {
    return { page: 'node', nodeId };
  }
  let shown = path;
  try {
    shown = decodeURIComponent(path);
  } catch {
    // A stray % leaves the text as the browser encoded it.
  }
  return { page: 'notFound', hash: shown };
}
