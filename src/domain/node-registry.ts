import type { Node } from '../protocol/index.js';
import type { NodePacket } from './packet.js';

/**
 * The current state of every node heard on the radio. Pure state: the caller passes the arrival time,
 * so there is no clock here. Each apply stores a new node object and never mutates it afterwards, so
 * listeners and readers may keep the objects they get.
 */
export class NodeRegistry {
  readonly #nodes = new Map<number, Node>();
  readonly #listeners = new Set<(node: Node) => void>();
  readonly #removeListeners = new Set<(nodeId: number) => void>();
  /** Nodes known only from seeds, not heard since the start. */
  readonly #seededOnly = new Set<number>();

  /** Apply one decoded packet received at `time` on radio gateway `gateway`, notify listeners, and return the updated node. */
  apply(packet: NodePacket, time: Date, gateway = 'radio'): Node {
    const iso = time.toISOString();
    const previous = this.#nodes.get(packet.nodeId);
    const metrics = { ...previous?.metrics };
    for (const metric of packet.metrics) {
      metrics[metric.name] = { value: metric.value, unit: metric.unit, time: iso };
    }

    this.#seededOnly.delete(packet.nodeId);
    const node: Node = {
      id: packet.nodeId,
      lastSeen: iso,
      rssi: packet.rssi ?? previous?.rssi ?? null,
      metrics,
      packets: (previous?.packets ?? 0) + 1,
      firstSeen: previous?.firstSeen ?? iso,
      name: previous?.name ?? null,
      kind: previous?.kind ?? null,
      type: previous?.type ?? null,
      gateway,
      hidden: previous?.hidden ?? false,
      offline: false,
      batteryLow: previous?.batteryLow ?? false,
      pinned: previous?.pinned ?? [],
    };
    this.#nodes.set(node.id, node);
    for (const listener of this.#listeners) {
      listener(node);
    }
    return node;
  }

  /**
   * Put a node known from before this process started (saved settings, the last readings in history)
   * without notifying listeners. Several sources may seed the same node: their facts are merged (the
   * newer reading of each metric, the earliest first-seen time, settings from whichever has them). A
   * node already heard since the start is left as it is.
   */
  seed(node: Node): void {
    const existing = this.#nodes.get(node.id);
    if (existing === undefined) {
      this.#nodes.set(node.id, node);
      this.#seededOnly.add(node.id);
      return;
    }
    if (this.#seededOnly.has(node.id)) {
      this.#nodes.set(node.id, mergeSeeds(existing, node));
    }
  }

  /** Replace a node's record (a rename, an offline mark) and notify change listeners. */
  replace(node: Node): void {
    this.#nodes.set(node.id, node);
    for (const listener of this.#listeners) {
      listener(node);
    }
  }

  /** Forget node `id` and notify remove listeners; returns false when it was not known. */
  remove(id: number): boolean {
    this.#seededOnly.delete(id);
    if (!this.#nodes.delete(id)) {
      return false;
    }
    for (const listener of this.#removeListeners) {
      listener(id);
    }
    return true;
  }

  /** Register a listener for removed nodes; the returned function removes it. */
  onRemove(listener: (nodeId: number) => void): () => void {
    this.#removeListeners.add(listener);
    return () => this.#removeListeners.delete(listener);
  }

  get(id: number): Node | undefined {
    return this.#nodes.get(id);
  }

  /** Every node, ordered by id. */
  list(): Node[] {
    return [...this.#nodes.values()].sort((a, b) => a.id - b.id);
  }

  /** Register a change listener; the returned function removes it. */
  onChange(listener: (node: Node) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Combine two seeds of one node: `a` is the earlier seed, `b` the new one. */
function mergeSeeds(a: Node, b: Node): Node {
  const metrics = { ...a.metrics };
  for (const [name, metric] of Object.entries(b.metrics)) {
    const current = metrics[name];
    if (current === undefined || metric.time > current.time) {
      metrics[name] = metric;
    }
  }
  const earliest = [a.firstSeen, b.firstSeen].filter((time): time is string => time !== null).sort()[0] ?? null;
  return {
    ...a,
    metrics,
    lastSeen: a.lastSeen > b.lastSeen ? a.lastSeen : b.lastSeen,
    firstSeen: earliest,
    rssi: b.rssi ?? a.rssi,
    packets: Math.max(a.packets, b.packets),
    name: a.name ?? b.name,
    kind: a.kind ?? b.kind,
    type: a.type ?? b.type,
    hidden: a.hidden || b.hidden,
    pinned: a.pinned.length > 0 ? a.pinned : b.pinned,
  };
}
