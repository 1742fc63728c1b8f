import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

import { type Finding, finding } from './finding.js';

/** A listening TCP socket: its local address (without brackets or interface suffix) and port. */
export interface Listener {
  address: string;
  port: number;
}

/** Seconds before an unresponsive `ss` is given up on. */
const ssTimeoutMs = 5000;

/** Parses the output of `ss -ltnH`, whose fourth column is the local `address:port`. */
export function parseSsListeners(text: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of text.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (local === undefined) {
      continue;
    }
    const separator = local.lastIndexOf(':');
    const port = Number(local.slice(separator + 1));
    if (separator <= 0 || !Number.isInteger(port)) {
      continue;
    }
    // ss writes IPv6 addresses in brackets and may add the bound interface as `%lo`.
    const address = local.slice(0, separator).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    listeners.push({ address, port });
  }
  return listeners;
}

/**
 * Parses /proc/net/tcp or /proc/net/tcp6 (proc(5)): sockets in state 0A are listening, and the local
 * address is hex in the kernel's byte order, little-endian per 32-bit word on the hosts Gatehouse runs on.
 */
export function parseProcNetTcp(text: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (fields[3] !== '0A' || local === undefined) {
      continue;
    }
    const [hexAddress = '', hexPort = ''] = local.split(':');
    const words = hexAddress.match(/.{8}/g) ?? [];
    const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((pair) => Number.parseInt(pair, 16)));
    const address = bytes.length === 4 ? bytes.join('.') : formatIpv6(bytes);
    listeners.push({ address, port: Number.parseInt(hexPort, 16) });
  }
  return listeners;
}

function formatIpv6(bytes: number[]): string {
  const groups: string[] = [];
  for (let index = 0; index + 1 < bytes.length; index += 2) {
    groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
  }
  // Not compressed with "::", so `::1` appears as 0:0:0:0:0:0:0:1; isLoopbackAddress accepts both.
  return groups.join(':');
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback, in compressed or full IPv6 notation. */
export function isLoopbackAddress(address: string): boolean {
  const lower = address.toLowerCase();
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower)) {
    return true;
  }
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') {
    return true;
  }
  const mapped = /^(?:::ffff:|0:0:0:0:0:ffff:)(.+)$/.exec(lower)?.[1];
  if (mapped === undefined) {
    return false;
  }
  // /proc/net/tcp6 shows a mapped address as two hex groups (7f00:1), ss as dotted IPv4.
  return mapped.startsWith('127.') || /^7f[0-9a-f]{2}:/.test(mapped);
}

/** Judges the sockets listening on hub.port: each must be on a loopback address. */
export function judgeHubExposure(listeners: readonly Listener[], hubPort: number, source: string): Finding {
  const subject = `listeners on hub.port ${hubPort}`;
  const onPort = listeners.filter((item) => item.port === hubPort);
  const exposed = onPort.filter((item) => !isLoopbackAddress(item.address));
  if (exposed.length > 0) {
    const addresses = [...new Set(exposed.map((item) => item.address))].join(', ');
    return finding(
      'fail',
      'hub.exposure',
      subject,
      `something listens on ${addresses} (from ${source}); the hub always binds 127.0.0.1 and no config key changes that, so this is another program or a port forward`,
      `find it with \`ss -ltnp 'sport = :${hubPort}'\` and stop it, or set hub.port to a free port`,
    );
  }
  if (onPort.length === 0) {
    return finding('ok', 'hub.exposure', subject, `nothing listens (from ${source}); the hub binds 127.0.0.1 only, and no config key changes that`);
  }
  return finding('ok', 'hub.exposure', subject, `loopback only (from ${source}); no config key makes the hub listen elsewhere`);
}

/** Lists listening TCP sockets with `ss -ltnH`, or from /proc/net/tcp and tcp6 when ss is missing. */
export async function checkHubExposure(hubPort: number): Promise<Finding> {
  const ssOutput = await new Promise<string | null>((resolve) => {
    execFile('ss', ['-ltnH'], { timeout: ssTimeoutMs }, (error, stdout) => resolve(error === null ? stdout : null));
  });
  if (ssOutput !== null) {
    return judgeHubExposure(parseSsListeners(ssOutput), hubPort, 'ss -ltnH');
  }

  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => null)));
  if (tables.every((table) => table === null)) {
    return finding('warn', 'hub.exposure', `listeners on hub.port ${hubPort}`, 'cannot tell: neither `ss` nor /proc/net/tcp is available', 'install iproute2 (`sudo apt-get install iproute2`)');
  }
  const listeners = tables.flatMap((table) => (table === null ? [] : parseProcNetTcp(table)));
  return judgeHubExposure(listeners, hubPort, '/proc/net/tcp');
}
