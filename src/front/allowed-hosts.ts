import { collectSubjectNames } from '../tls/subject-names.js';
import { formatHttpsAuthority, type HostAuthority, parseHostHeader } from './host-header.js';

export interface AllowedHostsOptions {
  /** front.publicOrigins: https origins the site is reached at from outside. */
  publicOrigins: readonly string[];
  /** The HTTPS port the front listens on; the host's own names are allowed only with it. */
  httpsPort: number;
  /** Names from the served certificate's subjectAltName, which the user chose to serve. */
  certificateNames?: readonly string[];
  /** How long the host's own addresses are cached before they are read again; default 60 s. */
  refreshMs?: number;
  now?: () => number;
}

/**
 * The hosts and origins this front serves: the configured public origins, the names in its
 * certificate, and the host's own names and addresses (localhost, the host name, every interface
 * address). Websocket upgrades, state-changing requests and redirects are checked against it, so a
 * foreign Host or Origin never produces a redirect to, or a session for, another site.
 */
export class AllowedHosts {
  readonly #publicOrigins: ReadonlySet<string>;
  readonly #publicHosts: ReadonlySet<string>;
  #certificateNames: ReadonlySet<string>;
  readonly #httpsPort: number;
  readonly #refreshMs: number;
  readonly #now: () => number;
  #ownHosts: ReadonlySet<string> = new Set();
  #ownHostsReadAt = Number.NEGATIVE_INFINITY;

  constructor(options: AllowedHostsOptions) {
    this.#publicOrigins = new Set(options.publicOrigins.map((origin) => new URL(origin).origin));
    this.#publicHosts = new Set(options.publicOrigins.map((origin) => new URL(origin).hostname));
    this.#certificateNames = new Set((options.certificateNames ?? []).map((name) => normalizeHost(name)));
    this.#httpsPort = options.httpsPort;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Use the names of a reloaded certificate from now on. */
  setCertificateNames(names: readonly string[]): void {
    this.#certificateNames = new Set(names.map((name) => normalizeHost(name)));
  }

  /** The first configured public origin, the redirect target for a Host that is not allowed. */
  get primaryOrigin(): string | null {
    return this.#publicOrigins.values().next().value ?? null;
  }

  /** True when a parsed Host header names this server. */
  isAllowedHost(authority: HostAuthority): boolean {
    const host = normalizeHost(authority.host);
    return this.#publicHosts.has(host) || this.#certificateNames.has(host) || this.#ownHostSet().has(host);
  }

  /**
   * True when an Origin header is one of the public origins, or https with an allowed host on this
   * front's HTTPS port.
   */
  isAllowedOrigin(origin: string): boolean {
    if (this.#publicOrigins.has(origin)) {
      return true;
    }
    if (!origin.startsWith('https://')) {
      return false;
    }
    const authority = parseHostHeader(origin.slice('https://'.length));
    if (authority === null || !this.isAllowedHost(authority)) {
      return false;
    }
    return (authority.port ?? 443) === this.#httpsPort;
  }

  /**
   * The configured public origin whose host `authority` names, or null. The redirect port uses it,
   * because a public origin's port (say 443 on the router) can differ from the front's own.
   */
  publicOriginOf(authority: HostAuthority): string | null {
    const host = normalizeHost(authority.host);
    for (const origin of this.#publicOrigins) {
      if (normalizeHost(new URL(origin).hostname) === host) {
        return origin;
      }
    }
    return null;
  }

  /** The https origin of this front as reached through an allowed Host. */
  originFor(authority: HostAuthority): string {
    return `https://${formatHttpsAuthority(authority.host, this.#httpsPort)}`;
  }

  #ownHostSet(): ReadonlySet<string> {
    const now = this.#now();
    if (now - this.#ownHostsReadAt >= this.#refreshMs) {
      const names = collectSubjectNames();
      this.#ownHosts = new Set([...names.dnsNames, ...names.ipAddresses].map((name) => normalizeHost(name)));
      this.#ownHostsReadAt = now;
    }
    return this.#ownHosts;
  }
}

/** Lower-case, without IPv6 brackets or a trailing dot, so "[::1]" and "::1" compare equal. */
function normalizeHost(host: string): string {
  const lowered = host.toLowerCase();
  const unbracketed = lowered.startsWith('[') && lowered.endsWith(']') ? lowered.slice(1, -1) : lowered;
  return unbracketed.endsWith('.') ? unbracketed.slice(0, -1) : unbracketed;
}
