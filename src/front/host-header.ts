import { isIPv4, isIPv6 } from 'node:net';

/** A validated `Host` header: a lower-case host name, IPv4 literal or bracketed IPv6 literal, and a port. */
export interface HostAuthority {
  /** Host name or IP literal; IPv6 keeps its brackets, so it can go into a URL as it is. */
  host: string;
  port: number | undefined;
}

/** The longest DNS name is 253 characters; an IPv6 literal with brackets and a port is shorter. */
const maxHostLength = 253 + ':65535'.length;

const namePattern = /^([a-z0-9.-]+)(?::([0-9]{1,5}))?$/;
const ipv6Pattern = /^\[([0-9a-f:.]+)\](?::([0-9]{1,5}))?$/;
const labelPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parse a `Host` header value (or the part of an Origin after "https://") into a host and port.
 * Returns null for anything else: userinfo ("a@b"), paths, backslashes, spaces, IPv6 without
 * brackets, zone ids, empty labels, or a name that URL parsers would read as an odd IPv4 form.
 * Never throws.
 */
export function parseHostHeader(value: string | undefined): HostAuthority | null {
  if (value === undefined || value === '' || value.length > maxHostLength) {
    return null;
  }
  const lowered = value.toLowerCase();

  const ipv6 = ipv6Pattern.exec(lowered);
  if (ipv6 !== null) {
    const address = ipv6[1] ?? '';
    const port = parsePort(ipv6[2]);
    return isIPv6(address) && port !== null ? { host: `[${address}]`, port } : null;
  }

  const named = namePattern.exec(lowered);
  if (named === null) {
    return null;
  }
  const host = named[1] ?? '';
  const port = parsePort(named[2]);
  if (port === null || !isHostName(host)) {
    return null;
  }
  return { host, port };
}

/** Returns the port, undefined when absent, or null when out of range. */
function parsePort(digits: string | undefined): number | undefined | null {
  if (digits === undefined) {
    return undefined;
  }
  const port = Number(digits);
  return port >= 1 && port <= 65535 ? port : null;
}

function isHostName(host: string): boolean {
  if (isIPv4(host)) {
    return true;
  }
  // A fully qualified name may end in a dot ("home.lan.").
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  if (!labels.every((label) => labelPattern.test(label))) {
    return false;
  }
  // The WHATWG URL parser reads a host whose last label is a number ("1.2.3", "0x7f") as an IPv4
  // address, so such a name would redirect somewhere else than it reads. Only dotted quads pass.
  const lastLabel = labels[labels.length - 1] ?? '';
  return !/^(?:[0-9]+|0x[0-9a-f]*)$/.test(lastLabel);
}

/** Format `host[:port]` for a URL, leaving out the default port of https. */
export function formatHttpsAuthority(host: string, port: number): string {
  return port === 443 ? host : `${host}:${port}`;
}

/**
 * Compare an `Origin` header with the origin of this server as reached through `authority` (the
 * parsed Host header). The default https port counts as 443 on both sides.
 */
export function isSameOrigin(origin: string, authority: HostAuthority): boolean {
  const prefix = 'https://';
  if (!origin.toLowerCase().startsWith(prefix)) {
    return false;
  }
  const originAuthority = parseHostHeader(origin.slice(prefix.length));
  if (originAuthority === null) {
    return false;
  }
  return originAuthority.host === authority.host && (originAuthority.port ?? 443) === (authority.port ?? 443);
}
