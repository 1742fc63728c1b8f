import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { runGatehouse } from '../support/processes.js';
import { Stack, UpgradeRejected, users } from '../support/stack.js';

/**
 * Every route and the websocket, for every kind of caller: the front decides 401, the hub decides
 * 403 by role. An API token acts with its own role; a session cookie with its user's role.
 */

type Caller = 'none' | 'wrongPassword' | 'endedSession' | 'viewer' | 'operator' | 'admin' | 'viewerToken' | 'operatorToken' | 'adminSession';

interface Route {
  name: string;
  method: string;
  path: string;
  body?: () => unknown;
  /** Status for a caller that may use the route. */
  allowed: number;
  /** Least role that may use the route. */
  needs: 'viewer' | 'operator' | 'admin';
}

let stack: Stack;
const callerHeaders = new Map<Caller, Record<string, string>>();
let userNumber = 0;

const routes: Route[] = [
  { name: 'UI', method: 'GET', path: '/', allowed: 200, needs: 'viewer' },
  { name: 'nodes', method: 'GET', path: '/api/nodes', allowed: 200, needs: 'viewer' },
  { name: 'one node', method: 'GET', path: '/api/nodes/11', allowed: 200, needs: 'viewer' },
  { name: 'health', method: 'GET', path: '/api/health', allowed: 200, needs: 'viewer' },
  { name: 'metrics', method: 'GET', path: '/api/metrics', allowed: 200, needs: 'viewer' },
  { name: 'command', method: 'POST', path: '/api/nodes/11/commands', body: () => ({ payload: 'OPN' }), allowed: 202, needs: 'operator' },
  { name: 'users', method: 'GET', path: '/api/users', allowed: 200, needs: 'admin' },
  {
    name: 'add user',
    method: 'POST',
    path: '/api/users',
    body: () => ({ name: `matrix${(userNumber += 1)}`, password: 'matrix-password-1', role: 'viewer' }),
    allowed: 201,
    needs: 'admin',
  },
  { name: 'tokens', method: 'GET', path: '/api/tokens', allowed: 200, needs: 'admin' },
  { name: 'audit', method: 'GET', path: '/api/audit?limit=10', allowed: 200, needs: 'admin' },
];

const rank = { viewer: 0, operator: 1, admin: 2 } as const;
const roleOf: Partial<Record<Caller, keyof typeof rank>> = {
  viewer: 'viewer',
  operator: 'operator',
  admin: 'admin',
  viewerToken: 'viewer',
  operatorToken: 'operator',
  adminSession: 'admin',
};

async function createToken(name: string, role: string): Promise<string> {
  const result = await runGatehouse(['token', 'create', name, '--role', role, '--config', stack.configFile]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split('\n').find((line) => line.startsWith('ght_')) ?? '';
}

/** Log in with basic auth and return the session cookie the front sets. */
async function sessionCookie(): Promise<string> {
  const login = await stack.request('/', { user: users.admin });
  const setCookie = login.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0];
  assert.ok(cookie !== undefined, `no session cookie: ${String(setCookie)}`);
  assert.ok(cookie.startsWith('__Host-gatehouse_session='), `unexpected cookie: ${cookie}`);
  return cookie;
}

before(async () => {
  stack = await Stack.start();
  await stack.hub?.waitForLine(/"state":"open"/);
  await stack.radio.write('[11] MOTION BAT:3.27v SS:-64\n');
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await stack.request('/api/nodes/11', { user: users.viewer })).status === 200) {
      break;
    }
    await delay(20);
  }

  const basic = (name: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` });
  callerHeaders.set('none', {});
  callerHeaders.set('wrongPassword', basic(users.admin.name, 'wrong-password-1'));
  callerHeaders.set('viewer', basic(users.viewer.name, users.viewer.password));
  callerHeaders.set('operator', basic(users.operator.name, users.operator.password));
  callerHeaders.set('admin', basic(users.admin.name, users.admin.password));
  callerHeaders.set('viewerToken', { authorization: `Bearer ${await createToken('matrix-viewer', 'viewer')}` });
  callerHeaders.set('operatorToken', { authorization: `Bearer ${await createToken('matrix-operator', 'operator')}` });
  callerHeaders.set('adminSession', { cookie: await sessionCookie() });

  const ended = await sessionCookie();
  const logout = await stack.request('/logout', { method: 'POST', headers: { cookie: ended, origin: stack.origin } });
  assert.equal(logout.status, 401);
  callerHeaders.set('endedSession', { cookie: ended });
});

after(() => stack.stop());

function expectedStatus(caller: Caller, route: Route): number {
  const role = roleOf[caller];
  if (role === undefined) {
    return 401;
  }
  return rank[role] >= rank[route.needs] ? route.allowed : 403;
}

const callers: Caller[] = ['none', 'wrongPassword', 'endedSession', 'viewer', 'operator', 'admin', 'viewerToken', 'operatorToken', 'adminSession'];

for (const caller of callers) {
  test(`access matrix for ${caller}`, async () => {
    const headers = callerHeaders.get(caller);
    assert.ok(headers !== undefined);
    for (const route of routes) {
      const result = await stack.request(route.path, { method: route.method, headers, ...(route.body === undefined ? {} : { body: route.body() }) });
      assert.equal(result.status, expectedStatus(caller, route), `${caller} ${route.method} ${route.path}: ${result.body.slice(0, 200)}`);
      if (result.status === 401) {
        assert.match(String(result.headers['www-authenticate']), /^Basic /, `${caller} ${route.path}`);
      }
    }

    const allowed = roleOf[caller] !== undefined;
    if (allowed) {
      const socket = await stack.websocket({ headers });
      const snapshot = await socket.waitFor((message) => message.type === 'snapshot');
      await socket.close();
      assert.equal((snapshot.user as { role: string }).role, roleOf[caller]);
    } else {
      await assert.rejects(stack.websocket({ headers }), (error: unknown) => error instanceof UpgradeRejected && error.status === 401);
    }
  });
}
