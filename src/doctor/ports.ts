import { createServer } from 'node:net';

import { type Finding, finding } from './finding.js';

/** A port from the config with the key that sets it and the address it binds. */
export interface ConfiguredPort {
  key: 'front.httpPort' | 'front.httpsPort' | 'hub.port';
  port: number;
  address: string;
}

/** Result of trying to bind a port: free, or the errno code of the failure (EADDRINUSE, EACCES...). */
export type BindResult = { free: true } | { free: false; code: string };

/** Linux's capability number of CAP_NET_BIND_SERVICE (linux/capability.h). */
const capNetBindService = 10n;

/** The kernel default of net.ipv4.ip_unprivileged_port_start: ports below it need privilege. */
export const defaultUnprivilegedPortStart = 1024;

/** Judges one bind attempt on a configured port. */
export function judgePortBind(configured: ConfiguredPort, result: BindResult): Finding {
  const subject = `${configured.key} ${configured.port} on ${configured.address}`;
  const id = `port.${configured.key}`;
  if (result.free) {
    return finding('ok', id, subject, 'free');
  }
  switch (result.code) {
    case 'EADDRINUSE':
      return finding(
        'warn',
        id,
        subject,
        'in use: fine if Gatehouse is running, else another program has it',
        `find the process with \`ss -ltnp 'sport = :${configured.port}'\`, or change ${configured.key}`,
      );
    case 'EACCES':
      return finding(
        'fail',
        id,
        subject,
        'permission denied: this user may not bind ports this low',
        `grant CAP_NET_BIND_SERVICE (see the port.privilege finding), or set ${configured.key} to 1024 or higher`,
      );
    case 'EADDRNOTAVAIL':
      return finding('fail', id, subject, `${configured.address} is not an address of this host`, 'set front.listenAddress to one of the addresses `ip -brief address` lists, or 0.0.0.0');
    default:
      return finding('fail', id, subject, `cannot bind: ${result.code}`, `change ${configured.key}`);
  }
}

/** Reads the effective capability mask from the text of /proc/self/status; null when the line is missing. */
export function parseEffectiveCapabilities(statusText: string): bigint | null {
  const match = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(statusText);
  return match?.[1] === undefined ? null : BigInt(`0x${match[1]}`);
}

/** What decides whether this process may bind ports below the unprivileged start. */
export interface BindPrivilege {
  uid: number;
  /** Effective capabilities, or null when /proc/self/status could not be read. */
  effectiveCapabilities: bigint | null;
  /** net.ipv4.ip_unprivileged_port_start, or null when /proc/sys could not be read. */
  unprivilegedPortStart: number | null;
}

/**
 * Judges whether this process may bind every configured port. Only ports below
 * net.ipv4.ip_unprivileged_port_start need root or CAP_NET_BIND_SERVICE (capabilities(7)).
 */
export function judgeBindPrivilege(ports: readonly ConfiguredPort[], privilege: BindPrivilege): Finding {
  const start = privilege.unprivilegedPortStart ?? defaultUnprivilegedPortStart;
  const low = ports.filter((item) => item.port < start);
  const subject = `privilege to bind ports below ${start}`;
  if (low.length === 0) {
    return finding('ok', 'port.privilege', subject, 'not needed: every configured port is at or above it');
  }

  const list = low.map((item) => `${item.key} ${item.port}`).join(', ');
  if (privilege.uid === 0) {
    return finding('ok', 'port.privilege', subject, `needed for ${list}; this user is root`);
  }
  const capabilities = privilege.effectiveCapabilities;
  if (capabilities !== null && ((capabilities >> capNetBindService) & 1n) === 1n) {
    return finding('ok', 'port.privilege', subject, `needed for ${list}; this process has CAP_NET_BIND_SERVICE`);
  }
  return finding(
    'fail',
    'port.privilege',
    subject,
    `needed for ${list}, but this user (uid ${privilege.uid}) is not root and has no CAP_NET_BIND_SERVICE`,
    'add `AmbientCapabilities=CAP_NET_BIND_SERVICE` to the systemd unit that runs Gatehouse, or set the ports to 1024 or higher and forward 80 and 443 to them on the router',
  );
}

/**
 * Binds the port on the address and closes it at once. Resolves free or the errno code, and never
 * rejects. `exclusive` keeps a cluster primary from sharing a handle that another process holds.
 */
export async function probeBind(port: number, address: string): Promise<BindResult> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ free: false, code: error.code ?? error.message }));
    server.listen({ port, host: address, exclusive: true }, () => {
      server.close(() => resolve({ free: true }));
    });
  });
}
