import path from 'node:path';
import { z } from 'zod';
import type { AuditRecorder } from '../audit/types.js';
import { isBatteryLow, isSilent, type MetricTable, type NodeRegistry, type NodeType, type NodeTypeCatalog } from '../domain/index.js';
import { GatehouseError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { type Node, type NodeUpdate, nodeSchema } from '../protocol/index.js';
import { assertAllowed } from './access.js';
import type { Actor } from './commands.js';
import { StateFile } from './state-file.js';

export interface NodeLifecycleOptions {
  dataDir: string;
  registry: NodeRegistry;
  catalog: NodeTypeCatalog;
  /** Delay between a change and the write of nodes.json; changes within it share one write. */
  saveDelayMs: number;
  /** Interval of the check that marks silent nodes offline. */
  sweepIntervalMs: number;
  audit?: AuditRecorder;
  logger: Logger;
  now?: () => Date;
}

/** The fields of a node that nodes.json stores: user settings, type and seen times, never readings. */
const savedNodeSchema = nodeSchema.pick({ id: true, name: true, hidden: true, pinned: true, kind: true, type: true, firstSeen: true, lastSeen: true, gateway: true });
type SavedNode = z.infer<typeof savedNodeSchema>;
const nodesFileSchema = z.object({ nodes: z.array(savedNodeSchema) });

/** Default delay of nodes.json writes: a node reporting every few seconds costs one write a minute. */
export const defaultNodeSaveDelayMs = 60_000;
export const defaultOfflineSweepMs = 30_000;

/**
 * Manages each node beyond its readings. First and last seen, the name, hidden flag, pinned metrics
 * and type are kept in dataDir/nodes.json across restarts. A node goes offline after its type's
 * silence and shows a low battery under its type's threshold. Users rename, hide, pin and delete.
 */
export class NodeLifecycle {
  readonly #options: NodeLifecycleOptions;
  readonly #file: StateFile;
  #sweepTimer: NodeJS.Timeout | null = null;
  readonly #unsubscribe: Array<() => void> = [];

  constructor(options: NodeLifecycleOptions) {
    this.#options = options;
    this.#file = new StateFile({
      file: path.join(options.dataDir, 'nodes.json'),
      delayMs: options.saveDelayMs,
      logger: options.logger,
      render: () => ({ nodes: options.registry.list().map((node) => savedNodeSchema.parse(node)) }),
    });
  }

  /** Restores the saved nodes into the registry, then starts saving changes and the offline sweep. */
  async start(): Promise<void> {
    const saved = await this.#file.load(nodesFileSchema);
    const now = this.#now();
    for (const entry of saved?.nodes ?? []) {
      this.#restore(entry, now);
    }
    const { registry } = this.#options;
    this.#unsubscribe.push(registry.onChange(() => this.#file.schedule()));
    this.#unsubscribe.push(registry.onRemove(() => this.#file.schedule()));
    this.#sweepTimer = setInterval(() => this.sweep(), this.#options.sweepIntervalMs);
    this.#sweepTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.#sweepTimer !== null) {
      clearInterval(this.#sweepTimer);
      this.#sweepTimer = null;
    }
    for (const unsubscribe of this.#unsubscribe.splice(0)) {
      unsubscribe();
    }
    await this.#file.flush();
  }

  /**
   * Returns the metric table for a packet from node `nodeId`: its configured type's, else that of the
   * type it reports in this packet, else of the type it reported before, else the generic table.
   */
  tableFor(nodeId: number, reportedType: string | null): MetricTable {
    return this.#typeOf(nodeId, reportedType ?? this.#options.registry.get(nodeId)?.type ?? null).table;
  }

  /** Brings a node that just sent a packet up to date: type, configured name and battery state. */
  onPacket(node: Node): void {
    const reported = node.metrics.nodeType?.value;
    const type = this.#typeOf(node.id, typeof reported === 'string' ? reported : node.type);
    const typeName = type.name === 'generic' ? null : type.name;
    const name = node.name ?? this.#options.catalog.configuredName(node.id);
    const batteryLow = isBatteryLow(node, type);
    if (typeName !== node.type || type.kind !== node.kind || name !== node.name || batteryLow !== node.batteryLow) {
      this.#options.registry.replace({ ...node, type: typeName, kind: type.kind, name, batteryLow });
    }
  }

  /** Marks every node that has been silent longer than its type allows as offline. */
  sweep(): void {
    const now = this.#now();
    for (const node of this.#options.registry.list()) {
      if (!node.offline && isSilent(node, this.#typeOf(node.id, node.type), now)) {
        this.#options.logger.info({ nodeId: node.id, lastSeen: node.lastSeen }, 'node offline');
        this.#options.registry.replace({ ...node, offline: true });
      }
    }
  }

  /** Renames, hides or pins metrics of node `nodeId`. Rejects with AUTH_FORBIDDEN or NODE_NOT_FOUND. */
  update(actor: Actor, nodeId: number, update: NodeUpdate): Node {
    assertAllowed(actor, 'command');
    const node = this.#existing(nodeId);
    const updated: Node = {
      ...node,
      ...(update.name === undefined ? {} : { name: update.name }),
      ...(update.hidden === undefined ? {} : { hidden: update.hidden }),
      ...(update.pinned === undefined ? {} : { pinned: update.pinned }),
    };
    this.#options.registry.replace(updated);
    this.#audit(actor, nodeId, { action: 'updated', name: updated.name, hidden: updated.hidden, pinned: updated.pinned.join(',') });
    return updated;
  }

  /** Deletes node `nodeId`; listeners of registry.onRemove delete its history. Admin only. */
  remove(actor: Actor, nodeId: number): void {
    assertAllowed(actor, 'manage');
    this.#existing(nodeId);
    this.#options.registry.remove(nodeId);
    this.#audit(actor, nodeId, { action: 'deleted' });
    this.#options.logger.info({ nodeId, user: actor.name }, 'node deleted');
  }

  #restore(entry: SavedNode, now: Date): void {
    const { registry } = this.#options;
    const current = registry.get(entry.id);
    const node: Node = {
      ...entry,
      rssi: current?.rssi ?? null,
      metrics: current?.metrics ?? {},
      packets: current?.packets ?? 0,
      offline: false,
      batteryLow: current?.batteryLow ?? false,
    };
    node.offline = isSilent(node, this.#typeOf(node.id, node.type), now);
    if (current === undefined) {
      registry.seed(node);
    } else {
      // Another module (history) seeded the node's readings first: add the saved settings to them.
      registry.replace({ ...node, lastSeen: current.lastSeen > node.lastSeen ? current.lastSeen : node.lastSeen });
    }
  }

  #existing(nodeId: number): Node {
    const node = this.#options.registry.get(nodeId);
    if (node === undefined) {
      throw new GatehouseError('NODE_NOT_FOUND', `node ${nodeId} not found: no packet from it has arrived`, { context: { nodeId } });
    }
    return node;
  }

  #typeOf(nodeId: number, reportedType: string | null): NodeType {
    return this.#options.catalog.typeOf(nodeId, reportedType);
  }

  #audit(actor: Actor, nodeId: number, detail: Record<string, string | number | boolean | null>): void {
    this.#options.audit?.record({ kind: 'nodeChanged', user: actor.name, client: actor.client, detail: { nodeId, ...detail } });
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}
