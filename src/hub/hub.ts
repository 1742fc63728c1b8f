import { type AuditRecorder, queryAudit } from '../audit/index.js';
import type { RoleResolver } from '../auth/types.js';
import { NodeRegistry } from '../domain/index.js';
import type { NodePacket } from '../domain/index.js';
import type { Logger } from '../log/logger.js';
import type { LinkStatus } from '../protocol/index.js';
import type { RadioLink } from '../radio/link.js';
import { AdminService } from './admin-service.js';
import { CommandService } from './commands.js';
import { buildHealthReport, type StatusSources } from './health.js';
import { createHubMetrics } from './metrics.js';
import { startHubServer, type HubServer } from './server.js';
import { WebsocketApi } from './ws-api.js';

/** The dialect functions the hub uses: pure decoding of one line and encoding of one command. */
export interface DialectCodec {
  decode(line: string): { kind: 'packet'; packet: NodePacket } | { kind: 'malformed'; reason: string } | { kind: 'gateway' };
  encode(nodeId: number, payload: string): string;
}

const noAudit: AuditRecorder = { record: () => undefined };

/** Minimum time between two link status messages caused by counter changes alone. */
const linkCountersIntervalMs = 1000;

export interface HubOptions {
  port: number;
  /** 127.0.0.1 unless a test proves the peer check on a wider bind. */
  host?: string;
  pingIntervalMs: number;
  link: RadioLink;
  codec: DialectCodec;
  roles: RoleResolver;
  /** Data directory with the users, roles, tokens and audit files that the admin API reads and edits. */
  dataDir: string;
  /** Receives commands and user and token changes; without one, nothing is audited. */
  audit?: AuditRecorder;
  /** bcrypt cost for passwords set through the admin API; tests lower it. */
  bcryptCost?: number;
  secretMatches: (presented: string) => boolean;
  logger: Logger;
  now?: () => Date;
}

/**
 * The hub process's core: radio lines become node updates for every websocket client, and commands
 * from clients become radio lines. start() opens the link and the server; stop() undoes both.
 */
export class Hub {
  readonly #options: HubOptions;
  readonly #registry = new NodeRegistry();
  readonly #malformed = new Map<string, number>();
  #server: HubServer | null = null;
  #websocket: WebsocketApi | null = null;
  #stopBroadcasting: (() => void) | null = null;
  #linkBroadcastTimer: NodeJS.Timeout | null = null;
  readonly #startedAt: Date;

  constructor(options: HubOptions) {
    this.#options = options;
    this.#startedAt = this.#now();
  }

  get port(): number {
    if (this.#server === null) {
      throw new Error('hub not started');
    }
    return this.#server.port;
  }

  get registry(): NodeRegistry {
    return this.#registry;
  }

  async start(): Promise<void> {
    const { link, logger } = this.#options;
    const audit = this.#options.audit ?? noAudit;
    const commands = new CommandService({
      link,
      encode: (id, payload) => this.#options.codec.encode(id, payload),
      logger: logger.child({ component: 'commands' }),
      audit,
    });
    const admin = new AdminService({
      dataDir: this.#options.dataDir,
      audit,
      ...(this.#options.bcryptCost === undefined ? {} : { bcryptCost: this.#options.bcryptCost }),
    });
    const websocket = new WebsocketApi({
      commands,
      nodes: () => this.#registry.list(),
      linkStatus: () => this.linkStatus(),
      refreshActor: async (actor) => {
        const role = await this.#options.roles.roleOf(actor.name);
        return role === null ? null : { ...actor, role };
      },
      pingIntervalMs: this.#options.pingIntervalMs,
      logger: logger.child({ component: 'websocket' }),
    });
    this.#websocket = websocket;
    const status: StatusSources = {
      linkStatus: () => this.linkStatus(),
      nodes: () => this.#registry.list(),
      websocketClients: () => websocket.clientCount,
      invalidClientMessages: () => websocket.invalidMessageCount,
      commandCounts: () => commands.counts(),
      startedAt: this.#startedAt,
      dataDir: this.#options.dataDir,
      now: () => this.#now(),
    };

    this.#stopBroadcasting = this.#registry.onChange((node) => websocket.broadcastNode(node));
    link.on('line', this.#onLine);
    link.on('status', this.#onStatus);

    this.#server = await startHubServer({
      port: this.#options.port,
      host: this.#options.host ?? '127.0.0.1',
      auth: { secretMatches: this.#options.secretMatches, roles: this.#options.roles },
      websocket,
      admin,
      queryAudit: (query) => queryAudit(this.#options.dataDir, query),
      rest: {
        commands,
        nodes: () => this.#registry.list(),
        node: (id) => this.#registry.get(id),
        health: () => buildHealthReport(status),
        metrics: createHubMetrics(status),
      },
      logger: logger.child({ component: 'hub-server' }),
    });
    link.start();
  }

  async stop(): Promise<void> {
    this.#options.link.off('line', this.#onLine);
    this.#options.link.off('status', this.#onStatus);
    this.#stopBroadcasting?.();
    this.#stopBroadcasting = null;
    if (this.#linkBroadcastTimer !== null) {
      clearTimeout(this.#linkBroadcastTimer);
      this.#linkBroadcastTimer = null;
    }
    await this.#options.link.stop();
    await this.#server?.close();
    this.#server = null;
    this.#websocket = null;
  }

  /** Ping websocket clients every `intervalMs` from now on (hub.pingIntervalSeconds on reload). */
  setPingInterval(intervalMs: number): void {
    this.#websocket?.setPingInterval(intervalMs);
  }

  /** Return the link's status with the codec's drop counts added to the framer's. */
  linkStatus(): LinkStatus {
    const status = this.#options.link.status();
    const dropped = { ...status.dropped };
    for (const [reason, count] of this.#malformed) {
      dropped[reason] = (dropped[reason] ?? 0) + count;
    }
    return { ...status, gateway: 'radio', dialect: 'moteino', dropped };
  }

  readonly #onLine = (line: string): void => {
    this.#scheduleLinkBroadcast();
    const result = this.#options.codec.decode(line);
    switch (result.kind) {
      case 'packet':
        this.#registry.apply(result.packet, this.#now());
        break;
      case 'malformed':
        this.#malformed.set(result.reason, (this.#malformed.get(result.reason) ?? 0) + 1);
        break;
      case 'gateway':
        // NOTE: gateway lines (ACK, GATEWAYSTART, RQ listings) carry no node state yet; a request
        // queue for sleeping nodes will use them.
        break;
    }
  };

  readonly #onStatus = (): void => {
    this.#websocket?.broadcastLink(this.linkStatus());
  };

  /**
   * Send the link status with its line and drop counters at most once per linkCountersIntervalMs
   * while lines arrive, so open pages see the counters move without one message per line.
   */
  #scheduleLinkBroadcast(): void {
    if (this.#linkBroadcastTimer !== null) {
      return;
    }
    this.#linkBroadcastTimer = setTimeout(() => {
      this.#linkBroadcastTimer = null;
      this.#onStatus();
    }, linkCountersIntervalMs);
    this.#linkBroadcastTimer.unref();
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}
