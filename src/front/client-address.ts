import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';

import { GatehouseError } from '../errors/index.js';
import { type ForwardedHop, parseForwarded, parseXForwardedFor } from './forwarded-header.js';
import { canonicalAddress, peerAddressOf } from './ip-address.js';

export type ClientAddressResult = { ok: true; client: string } | { ok: false; message: string };

/**
 * Resolves the client address of a request. Forwarding headers (`X-Forwarded-For`, `Forwarded`) are
 * read only when the TCP peer is a trusted proxy, because anybody else can write anything into them.
 * The address is then the right-most hop that is not itself a trusted proxy: each trusted proxy
 * appends the peer it saw, so that hop is the last one a trusted party vouched for.
 */
export class ClientAddressResolver {
  readonly #trusted = new BlockList();
  readonly #hasTrusted: boolean;

  /** `trustedProxies`: IPv4 or IPv6 addresses and CIDR ranges (config front.trustedProxies). */
  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      this.#addTrusted(entry);
    }
    this.#hasTrusted = trustedProxies.length > 0;
  }

  /** True when `address` (canonical form) is a trusted proxy. */
  isTrusted(address: string): boolean {
    return this.#hasTrusted && this.#trusted.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  }

  /**
   * Returns the client address of a request from `remoteAddress`. Fails only for a request from a trusted
   * proxy whose forwarding headers do not parse, or whose two headers name different clients.
   */
  resolve(remoteAddress: string | undefined, headers: IncomingHttpHeaders): ClientAddressResult {
    const peer = peerAddressOf(remoteAddress);
    if (!this.isTrusted(peer)) {
      return { ok: true, client: peer };
    }

    const forwardedFor = headerText(headers['x-forwarded-for']);
    const forwarded = headerText(headers.forwarded);
    const fromXForwardedFor = forwardedFor === undefined ? undefined : parseXForwardedFor(forwardedFor);
    const fromForwarded = forwarded === undefined ? undefined : parseForwarded(forwarded);
    if (fromXForwardedFor === null) {
      return { ok: false, message: 'the X-Forwarded-For header from the proxy is invalid: expected a comma-separated list of IP addresses' };
    }
    if (fromForwarded === null) {
      return { ok: false, message: 'the Forwarded header from the proxy is invalid: expected the syntax of RFC 7239' };
    }

    const candidates = [fromXForwardedFor, fromForwarded].filter((hops) => hops !== undefined).map((hops) => this.#rightmostUntrusted(peer, hops));
    const [first, second] = candidates;
    // A proxy appends to one header and passes the other through from the client. When both are
    // present and disagree, the front cannot know which one the proxy wrote, so it rejects the request.
    if (first !== undefined && second !== undefined && first !== second) {
      return { ok: false, message: 'the X-Forwarded-For and Forwarded headers name different clients; configure the proxy to send one of them' };
    }
    return { ok: true, client: first ?? peer };
  }

  /** Walk the hops from the right. An unnamed hop stops the walk at the trusted proxy that reported it. */
  #rightmostUntrusted(peer: string, hops: readonly ForwardedHop[]): string {
    let reporter = peer;
    for (let index = hops.length - 1; index >= 0; index -= 1) {
      const hop = hops[index];
      if (hop === null || hop === undefined) {
        return reporter;
      }
      if (!this.isTrusted(hop)) {
        return hop;
      }
      reporter = hop;
    }
    return reporter;
  }

  #addTrusted(entry: string): void {
    const [addressText = '', prefixText] = entry.split('/');
    const address = canonicalAddress(addressText);
    const family = address !== null && isIPv4(address) ? 'ipv4' : 'ipv6';
    const prefix = prefixText === undefined ? undefined : Number(prefixText);
    const maxPrefix = family === 'ipv4' ? 32 : 128;
    if (address === null || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= maxPrefix))) {
      throw new GatehouseError('CONFIG_INVALID', `front.trustedProxies: "${entry}" is not an IP address or CIDR range such as 192.168.1.0/24`);
    }
    if (prefix === undefined) {
      this.#trusted.addAddress(address, family);
    } else {
      this.#trusted.addSubnet(address, prefix, family);
    }
  }
}

/** Node joins repeated headers with ", ", except set-cookie; an array never reaches here for these names. */
function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
