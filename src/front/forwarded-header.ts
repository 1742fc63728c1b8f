import { canonicalAddress } from './ip-address.js';

/**
 * One hop of a forwarding header, listed client first. It is a canonical IP address, or null for a
 * hop the proxy did not name ("unknown", an obfuscated identifier, or no `for` parameter).
 */
export type ForwardedHop = string | null;

/** Longer forwarding headers are rejected unparsed; 8 KiB is hundreds of hops. */
const maxHeaderLength = 8192;

/** tchar of RFC 9110 section 5.6.2. */
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parse `X-Forwarded-For`: a comma-separated list of IP addresses (a bracketed IPv6 address or an
 * IPv4 address may carry a port). Empty list elements are skipped, as RFC 9110 section 5.6.1
 * requires of list recipients. Returns null for anything else. Never throws.
 */
export function parseXForwardedFor(value: string): ForwardedHop[] | null {
  if (value.length > maxHeaderLength) {
    return null;
  }
  const hops: ForwardedHop[] = [];
  for (const element of value.split(',')) {
    const trimmed = element.trim();
    if (trimmed === '') {
      continue;
    }
    const address = parseNodeAddress(trimmed) ?? canonicalBareIPv6(trimmed);
    if (address === null) {
      return null;
    }
    hops.push(address);
  }
  return hops;
}

/**
 * Parse `Forwarded` (RFC 7239): elements separated by commas, each a list of `name=value` pairs
 * separated by semicolons, values as tokens or quoted strings. Returns the `for` hop of each element,
 * or null when the header breaks that syntax, repeats a parameter in one element, or has a `for`
 * value that is not a node of RFC 7239 section 6. Never throws.
 */
export function parseForwarded(value: string): ForwardedHop[] | null {
  if (value.length > maxHeaderLength) {
    return null;
  }
  const elements = splitForwardedElements(value);
  if (elements === null) {
    return null;
  }

  const hops: ForwardedHop[] = [];
  for (const pairs of elements) {
    if (pairs.size === 0) {
      continue;
    }
    const node = pairs.get('for');
    if (node === undefined) {
      hops.push(null);
      continue;
    }
    const hop = parseForwardedNode(node);
    if (hop === undefined) {
      return null;
    }
    hops.push(hop);
  }
  return hops;
}

/** Split a Forwarded value into elements of lower-cased parameter names and unquoted values. */
function splitForwardedElements(value: string): Map<string, string>[] | null {
  const elements: Map<string, string>[] = [];
  let pairs = new Map<string, string>();
  let index = 0;

  const skipWhitespace = (): void => {
    while (value[index] === ' ' || value[index] === '\t') {
      index += 1;
    }
  };

  skipWhitespace();
  while (index < value.length) {
    // An empty pair (";;") or an empty list element (",,") is allowed and skipped.
    if (value[index] === ';') {
      index += 1;
      skipWhitespace();
      continue;
    }
    if (value[index] === ',') {
      elements.push(pairs);
      pairs = new Map();
      index += 1;
      skipWhitespace();
      continue;
    }

    const equals = value.indexOf('=', index);
    const name = equals === -1 ? '' : value.slice(index, equals);
    if (!tokenPattern.test(name)) {
      return null;
    }
    index = equals + 1;

    let pairValue: string;
    if (value[index] === '"') {
      const quoted = readQuotedString(value, index);
      if (quoted === null) {
        return null;
      }
      pairValue = quoted.text;
      index = quoted.end;
    } else {
      const start = index;
      while (index < value.length && !' \t;,'.includes(value[index] ?? '')) {
        index += 1;
      }
      pairValue = value.slice(start, index);
      if (!tokenPattern.test(pairValue)) {
        return null;
      }
    }

    const key = name.toLowerCase();
    if (pairs.has(key)) {
      return null;
    }
    pairs.set(key, pairValue);

    skipWhitespace();
    if (index < value.length && value[index] !== ';' && value[index] !== ',') {
      return null;
    }
  }
  elements.push(pairs);
  return elements;
}

/** Read the quoted-string (RFC 9110 section 5.6.4) that starts at `start`; returns its text and the index after it. */
function readQuotedString(value: string, start: number): { text: string; end: number } | null {
  let text = '';
  let index = start + 1;
  while (index < value.length) {
    const character = value[index] ?? '';
    if (character === '"') {
      return { text, end: index + 1 };
    }
    if (character === '\\') {
      const escaped = value[index + 1];
      if (escaped === undefined) {
        return null;
      }
      text += escaped;
      index += 2;
      continue;
    }
    // qdtext allows HTAB and visible characters, so any other control character is invalid.
    const code = character.charCodeAt(0);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) {
      return null;
    }
    text += character;
    index += 1;
  }
  return null;
}

/** Parses a `for` node: "unknown" and obfuscated identifiers give null, an invalid node gives undefined. */
function parseForwardedNode(node: string): ForwardedHop | undefined {
  const lowered = node.toLowerCase();
  if (lowered === 'unknown' || /^_[0-9a-z._-]+(?::(?:[0-9]{1,5}|_[0-9a-z._-]+))?$/.test(lowered)) {
    return null;
  }
  return parseNodeAddress(node) ?? undefined;
}

/** Parses an IPv4 address or bracketed IPv6 address, each with an optional port; null for anything else. */
function parseNodeAddress(text: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::([0-9]{1,5}))?$/.exec(text);
  if (bracketed !== null) {
    return canonicalBareIPv6(bracketed[1] ?? '');
  }
  const ipv4 = /^([0-9.]+)(?::[0-9]{1,5})?$/.exec(text);
  if (ipv4 !== null) {
    return canonicalAddress(ipv4[1] ?? '');
  }
  return null;
}

/** Returns an IPv6 address without brackets or zone id in canonical form, or null. */
function canonicalBareIPv6(text: string): string | null {
  if (text.includes('%') || !text.includes(':')) {
    return null;
  }
  return canonicalAddress(text);
}
