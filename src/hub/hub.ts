import { type AuditRecorder, queryAudit } from '../audit/index.js';
import type { RoleResolver } from '../auth/types.js';
import type { CommandsConfig } from '../config/commands-schema.js';
import { historySchema, type HistoryConfig } from '../config/history-schema.js';
import { NodeRegistry, type NodeTypeCatalog } from '../domain/index.js';
import type { Logger } from '../log/logger.js';
import type { LinkStatus } from '../protocol/index.js';
import { AdminService } from './admin-service.js';
import { CommandService, type CommandRoute } from './commands.js';
import { buildHealthReport, type StatusSources } from './health.js';
import { HistoryService } from './history-service.js';
import { LiveLog } from './live-log.js';
import { GatewayConflicts } from './gateway-conflicts.js';
import type { PacketListener, RadioGateway } from './gateway-types.js';
import { createHubMetrics } from './metrics.js';
import type { NodeLifecycle } from './node-lifecycle.js';
import { createNodeServices } from './node-services.js';
import type { RequestService } from './request-service.js';
import { startHubServer, type HubServer } from './server.js';
import { WebsocketApi } from './ws-api.js';

export type { DecodeResult, DialectCodec, MetricTableLookup, PacketListener, RadioGateway } from './gateway-types.js';

const noAudit: AuditRecorder = { record: () => undefined };

/** Minimum time between two link status messages caused by counter changes alone. */
const linkCountersIntervalMs = 1000;

export interface HubOptions {
  port: number;
  /** 127.0.0.1 unless a test proves the peer check on a wider bind. */
  host?: string;
  pingIntervalMs: number;
  /** Radio gateways in config order; the first one takes commands to nodes not heard yet. */
  gateways: RadioGateway[];
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
  /** Node types and per-node settings from the config; the built-in types when absent. */
  nodeTypes?: NodeTypeCatalog;
  /** The config's `commands` section; without it, commands are not queued while a link is down. */
  commands?: CommandsConfig;
  /** Timing of nodes.json writes and of the offline check; tests shorten them. */
  lifecycle?: { saveDelayMs?: number; sweepIntervalMs?: number };
  /** The `history:` config section; without it the hub keeps no history. */
  history?: HistoryConfig;
  /** Delay of the first history retention pass after start, in ms; tests shorten it. */
  historyRetentionDelayMs?: number;
}

interface GatewayState {
  gateway: RadioGateway;
  malformed: Map<string, number>;
  onLine: (line: string) => void;
  onStatus: () => void;
}

/**
 * The hub process's core: radio lines become node updates for every websocket client, and commands
 * from clients become radio lines. start() opens the links and the server; stop() undoes both.
 */
export class Hub {
  readonly #options: HubOptions;
  readonly #registry = new NodeRegistry();
  readonly #liveLog = new LiveLog();
  readonly #gateways: GatewayState[];
  readonly #packetListeners = new Set<PacketListener>();
  readonly #conflicts: GatewayConflicts;
  #server: HubServer | null = null;
  #websocket: WebsocketApi | null = null;
  #stopBroadcasting: (() => void) | null = null;
  #linkBroadcastTimer: NodeJS.Timeout | null = null;
  #lifecycle: NodeLifecycle | null = null;
  #requests: RequestService | null = null;
  #commands: CommandService | null = null;
  #history: HistoryService | null = null;
  readonly #startedAt: Date;

  constructor(options: HubOptions) {
    if (options.gateways.length === 0) {
      throw new Error('a hub needs at least one radio gateway');
    }
    this.#options = options;
    this.#startedAt = this.#now();
    this.#conflicts = new GatewayConflicts(options.logger.child({ component: 'hub' }));
    this.#gateways = options.gateways.map((gateway) => {
      const state: GatewayState = {
        gateway,
        malformed: new Map(),
        onLine: (line) => this.#onLine(state, line),
        onStatus: () => {
          gateway.session?.onLinkState(gateway.link.status().state === 'open');
          this.#onStatus(state);
        },
      };
      return state;
    });
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

  get liveLog(): LiveLog {
    return this.#liveLog;
  }

  /** Register a listener for decoded node packets (history, requests, lifecycle); returns its remover. */
  onPacket(listener: PacketListener): () => void {
    this.#packetListeners.add(listener);
    return () => this.#packetListeners.delete(listener);
  }

  async start(): Promise<void> {
    const { logger } = this.#options;
    const audit = this.#options.audit ?? noAudit;
    const commands = new CommandService({
      route: (nodeId) => this.#routeOf(nodeId),
      onWritten: (gateway, nodeId, line) =>
        this.#liveLog.add({ time: this.#now().toISOString(), gateway, direction: 'out', kind: 'command', nodeId, text: line }),
      logger: logger.child({ component: 'commands' }),
      audit,
      ...(this.#options.commands === undefined
        ? {}
        : { queue: { ttlMs: this.#options.commands.queueTtlSeconds * 1000, maxCommands: this.#options.commands.queueMaxCommands } }),
      onQueuedResult: (command) => this.#websocket?.broadcastMessage({ type: 'command', command }),
    });
    this.#commands = commands;
    const { lifecycle, requests } = createNodeServices({
      dataDir: this.#options.dataDir,
      registry: this.#registry,
      liveLog: this.#liveLog,
      nodeTypes: this.#options.nodeTypes,
      commands: this.#options.commands,
      lifecycle: this.#options.lifecycle,
      gatewayOf: (nodeId) => this.#routeState(nodeId).gateway,
      gatewayNamed: (name) => this.#gateways.find((candidate) => candidate.gateway.name === name)?.gateway,
      broadcast: (message) => this.#websocket?.broadcastMessage(message),
      audit,
      logger,
      now: this.#options.now,
    });
    await lifecycle.start();
    await requests.start();
    this.#lifecycle = lifecycle;
    this.#requests = requests;
    const admin = new AdminService({
      dataDir: this.#options.dataDir,
      audit,
      ...(this.#options.bcryptCost === undefined ? {} : { bcryptCost: this.#options.bcryptCost }),
    });
    const websocket = new WebsocketApi({
      commands,
      nodes: () => this.#registry.list(),
      linkStatuses: () => this.linkStatuses(),
      requests: () => requests.recent(),
      liveLog: this.#liveLog,
      refreshActor: async (actor) => {
        const role = await this.#options.roles.roleOf(actor.name);
        return role === null ? null : { ...actor, role };
      },
      pingIntervalMs: this.#options.pingIntervalMs,
      logger: logger.child({ component: 'websocket' }),
    });
    this.#websocket = websocket;
    const history = new HistoryService({
      host: { onPacket: (listener) => this.onPacket(listener), registry: this.#registry, liveLog: this.#liveLog, defaultGateway: this.#gateways[0]?.gateway.name ?? 'radio' },
      config: this.#options.history ?? historySchema.parse({ enabled: false }),
      dataDir: this.#options.dataDir,
      logger: logger.child({ component: 'history' }),
      now: () => this.#now(),
      ...(this.#options.historyRetentionDelayMs === undefined ? {} : { retentionFirstDelayMs: this.#options.historyRetentionDelayMs }),
    });
    await history.start();
    this.#history = history;
    const status: StatusSources = {
      linkStatuses: () => this.linkStatuses(),
      nodes: () => this.#registry.list(),
      websocketClients: () => websocket.clientCount,
      invalidClientMessages: () => websocket.invalidMessageCount,
      commandCounts: () => commands.counts(),
      startedAt: this.#startedAt,
      dataDir: this.#options.dataDir,
      now: () => this.#now(),
      history: () => history.status(),
    };

    const stopNodes = this.#registry.onChange((node) => websocket.broadcastNode(node));
    const stopRemoved = this.#registry.onRemove((nodeId) => websocket.broadcastMessage({ type: 'nodeRemoved', nodeId }));
    this.#stopBroadcasting = () => {
      stopNodes();
      stopRemoved();
    };
    for (const state of this.#gateways) {
      state.gateway.link.on('line', state.onLine);
      state.gateway.link.on('status', state.onStatus);
    }

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
        history: { service: history, now: () => this.#now() },
      },
      nodeRoutes: { lifecycle, requests, node: (id) => this.#registry.get(id) },
      logger: logger.child({ component: 'hub-server' }),
    });
    for (const state of this.#gateways) {
      const { link, session } = state.gateway;
      await session?.start({
        write: (line) => link.writeLine(line),
        linkOpen: () => link.status().state === 'open',
        statusChanged: () => this.#websocket?.broadcastLink(this.#statusOf(state)),
      });
      link.start();
    }
  }

  async stop(): Promise<void> {
    for (const state of this.#gateways) {
      state.gateway.link.off('line', state.onLine);
      state.gateway.link.off('status', state.onStatus);
    }
    this.#stopBroadcasting?.();
    this.#stopBroadcasting = null;
    if (this.#linkBroadcastTimer !== null) {
      clearTimeout(this.#linkBroadcastTimer);
      this.#linkBroadcastTimer = null;
    }
    await Promise.all(this.#gateways.map((state) => state.gateway.session?.stop() ?? Promise.resolve()));
    await Promise.all(this.#gateways.map((state) => state.gateway.link.stop()));
    this.#commands?.stop();
    await this.#lifecycle?.stop();
    await this.#requests?.stop();
    this.#lifecycle = null;
    this.#requests = null;
    this.#commands = null;
    await this.#server?.close();
    this.#server = null;
    this.#websocket = null;
    // After the links and the server, so no reading arrives after the last flush.
    await this.#history?.stop();
    this.#history = null;
  }

  /** Ping websocket clients every `intervalMs` from now on (hub.pingIntervalSeconds on reload). */
  setPingInterval(intervalMs: number): void {
    this.#websocket?.setPingInterval(intervalMs);
  }

  /** Returns each radio gateway's link status, in config order, with the dialect's drop counts added to the framer's. */
  linkStatuses(): LinkStatus[] {
    return this.#gateways.map((state) => this.#statusOf(state));
  }

  #statusOf(state: GatewayState): LinkStatus {
    const status = state.gateway.link.status();
    const dropped = { ...status.dropped };
    for (const [reason, count] of state.malformed) {
      dropped[reason] = (dropped[reason] ?? 0) + count;
    }
    const session = state.gateway.session?.status() ?? { warning: null, responding: null };
    const warning = status.warning ?? session.warning;
    return { ...status, gateway: state.gateway.name, dialect: state.gateway.dialect, dropped, warning, responding: session.responding };
  }

  #routeOf(nodeId: number): CommandRoute {
    const { name, link, codec } = this.#routeState(nodeId).gateway;
    return { gateway: name, link, encode: (id, payload) => codec.encode(id, payload) };
  }

  /** The radio gateway a node was last heard on, else the first one. */
  #routeState(nodeId: number): GatewayState {
    const heardOn = this.#registry.get(nodeId)?.gateway;
    const state = this.#gateways.find((candidate) => candidate.gateway.name === heardOn) ?? this.#gateways.at(0);
    if (state === undefined) {
      throw new Error('a hub needs at least one radio gateway');
    }
    return state;
  }

  #onStatus(state: GatewayState): void {
    const status = this.#statusOf(state);
    this.#websocket?.broadcastLink(status);
    if (status.state === 'open') {
      void this.#commands?.flush(state.gateway.name, state.gateway.link);
    }
  }

  #onLine(state: GatewayState, line: string): void {
    this.#scheduleLinkBroadcast();
    const { name, codec } = state.gateway;
    const time = this.#now();
    const lifecycle = this.#lifecycle;
    const result = codec.decode(line, lifecycle === null ? undefined : (nodeId, reported) => lifecycle.tableFor(nodeId, reported));
    const text = codec.redact?.(line) ?? line;
    switch (result.kind) {
      case 'packet': {
        this.#conflicts.check(result.packet.nodeId, this.#registry.get(result.packet.nodeId)?.gateway, name);
        const applied = this.#registry.apply(result.packet, time, name);
        lifecycle?.onPacket(applied);
        const node = this.#registry.get(applied.id) ?? applied;
        if (result.confirmations !== undefined && result.confirmations.length > 0) {
          this.#requests?.onConfirmations(node.id, result.confirmations);
        }
        this.#liveLog.add({ time: time.toISOString(), gateway: name, direction: 'in', kind: 'packet', nodeId: node.id, text });
        for (const listener of this.#packetListeners) {
          listener({ gateway: name, packet: result.packet, node, time });
        }
        break;
      }
      case 'malformed':
        state.malformed.set(result.reason, (state.malformed.get(result.reason) ?? 0) + 1);
        this.#liveLog.add({ time: time.toISOString(), gateway: name, direction: 'in', kind: `dropped:${result.reason}`, nodeId: null, text });
        break;
      case 'gateway':
        // GATEWAYSTART: the board reset and its queue of requests (kept in RAM) is gone.
        if (result.message?.type === 'start') {
          void this.#requests?.requeue(name);
        }
        this.#liveLog.add({ time: time.toISOString(), gateway: name, direction: 'in', kind: 'gateway', nodeId: null, text });
        break;
    }
    state.gateway.session?.onLine(line);
  }

  /**
   * Send the link statuses with their line and drop counters at most once per linkCountersIntervalMs
   * while lines arrive, so open pages see the counters move without one message per line.
   */
  #scheduleLinkBroadcast(): void {
    if (this.#linkBroadcastTimer !== null) {
      return;
    }
    this.#linkBroadcastTimer = setTimeout(() => {
      this.#linkBroadcastTimer = null;
      for (const state of this.#gateways) {
        state.onStatus();
      }
    }, linkCountersIntervalMs);
    this.#linkBroadcastTimer.unref();
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}
