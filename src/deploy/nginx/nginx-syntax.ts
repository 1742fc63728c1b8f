import { isIP } from 'node:net';

import { GatehouseError } from '../../errors/index.js';

/** Letters, digits and hyphens in dot-separated labels of 1 to 63 characters (RFC 1123 section 2.1). */
const hostNamePattern = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Characters that a path may not contain in the generated file. nginx expands `$name` as a variable
 * in `root`, `auth_basic_user_file` and `ssl_certificate`, and a quote, backslash or control
 * character would end or change the quoted string.
 */
const unsafePathCharacters = /[\p{Cc}"\\$]/u;

/**
 * Returns `value` as a double-quoted nginx string. Only values already checked by the functions
 * below, or fixed text without `$`, may pass, because nginx still expands variables inside quotes.
 */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** Checks that `file` is an absolute path that is safe to write into the config, and returns it. */
export function checkedPath(file: string, key: string): string {
  if (!file.startsWith('/')) {
    throw invalid(key, file, 'expected an absolute path');
  }
  if (unsafePathCharacters.test(file)) {
    throw invalid(key, file, 'expected a path without control characters, quotes, backslashes or "$", which nginx would read as a variable');
  }
  return file;
}

/**
 * Returns a host name or IP address in the form nginx matches in `server_name` and stores in
 * `$host`: lower case, IPv6 addresses in brackets. Throws CONFIG_INVALID for anything else,
 * including nginx's wildcard and regex names, because the redirect copies `$host` into its target.
 */
export function serverNameOf(name: string): string {
  const trimmed = name.trim().toLowerCase();
  const unbracketed = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  if (isIP(unbracketed) === 6) {
    return `[${unbracketed}]`;
  }
  if (isIP(unbracketed) === 4 || hostNamePattern.test(unbracketed)) {
    return unbracketed;
  }
  throw invalid('--server-name', name, 'expected a host name such as "home.example.org" or an IP address');
}

/** Returns the address part of a `listen` directive, with an IPv6 address in brackets. */
export function listenAddressOf(address: string): string {
  if (isIP(address) === 6) {
    return `[${address}]`;
  }
  if (isIP(address) === 4) {
    return address;
  }
  throw invalid('front.listenAddress', address, 'expected an IPv4 or IPv6 address');
}

function invalid(key: string, value: string, expected: string): GatehouseError {
  return new GatehouseError('CONFIG_INVALID', `${key}: got ${JSON.stringify(value)}, ${expected}`, { context: { key } });
}
