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

  /** Apply one decoded packet received at `time` and notify listeners; returns the updated node. */
  apply(packet: NodePacket, time: Date): Node {
    const iso = time.toISOString();
    const previous = this.#nodes.get(packet.nodeId);
    const metrics = { ...previous?.metrics };
    for (const metric of packet.metrics) {
      metrics[metric.name] = { value: metric.value, unit: metric.unit, time: iso };
    }

    const node: Node = {
      id: packet.nodeId,
      lastSeen: iso,
      rssi: packet.rssi ?? previous?.rssi ?? null,
      metrics,
      packets: (previous?.packets ?? 0) + 1,
      firstSeen: previous?.firstSeen ?? iso,
      name: previous?.name ?? null,
      kind: previous?.kind ?? null,
      gateway: previous?.gateway ?? 'radio',
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
