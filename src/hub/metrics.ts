import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { CommandCounts } from './commands.js';
import type { StatusSources } from './health.js';
import { registerHistoryMetrics } from './history-metrics.js';

/** The hub's Prometheus metrics, rendered in the text exposition format for GET /api/metrics. */
export interface HubMetrics {
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  contentType: string;
  render(): Promise<string>;
}

/**
 * Create a registry of the hub's own, so that two hubs in one process (as in tests) never share or
 * double-register series. Every gauge and counter reads its value from `sources` at scrape time, so
 * no event handler has to update them. Label values are bounded: one link port, the framer's
 * and the dialect's fixed drop reasons, three command results, and node ids from 1 to 1023.
 */
export function createHubMetrics(sources: StatusSources): HubMetrics {
  const registry = new Registry();
  const registers = [registry];
  // NOTE: the default metrics start an event loop delay monitor and a garbage collection observer
  // that stay active after the hub stops. A process runs one hub, so they end with the process.
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'gatehouse_up',
    help: 'Always 1 while the hub serves scrapes.',
    registers,
    collect() {
      this.set(1);
    },
  });

  new Gauge({
    name: 'gatehouse_link_open',
    help: 'Whether the link to each radio gateway is open (1) or not (0).',
    labelNames: ['gateway', 'port'] as const,
    registers,
    collect() {
      this.reset();
      for (const link of sources.linkStatuses()) {
        this.set({ gateway: link.gateway, port: link.port }, link.state === 'open' ? 1 : 0);
      }
    },
  });

  new Counter({
    name: 'gatehouse_link_lines_read_total',
    help: 'Lines read from each radio gateway since the hub started.',
    labelNames: ['gateway'] as const,
    registers,
    collect() {
      this.reset();
      for (const link of sources.linkStatuses()) {
        this.inc({ gateway: link.gateway }, link.linesRead);
      }
    },
  });

  new Counter({
    name: 'gatehouse_link_lines_dropped_total',
    help: 'Lines from the radio gateway dropped since the hub started, by reason (framer and dialect).',
    labelNames: ['gateway', 'reason'] as const,
    registers,
    collect() {
      this.reset();
      for (const link of sources.linkStatuses()) {
        for (const [reason, count] of Object.entries(link.dropped)) {
          this.inc({ gateway: link.gateway, reason }, count);
        }
      }
    },
  });

  new Gauge({
    name: 'gatehouse_websocket_clients',
    help: 'Open websocket connections.',
    registers,
    collect() {
      this.set(sources.websocketClients());
    },
  });

  new Gauge({
    name: 'gatehouse_nodes',
    help: 'Nodes heard since the hub started.',
    registers,
    collect() {
      this.set(sources.nodes().length);
    },
  });

  new Counter({
    name: 'gatehouse_commands_total',
    help: 'Command attempts since the hub started, by result: sent, rejected (role or payload), failed (link closed or write error).',
    labelNames: ['result'] as const,
    registers,
    collect() {
      this.reset();
      const counts = sources.commandCounts();
      for (const result of Object.keys(counts) as Array<keyof CommandCounts>) {
        this.inc({ result }, counts[result]);
      }
    },
  });

  new Gauge({
    name: 'gatehouse_node_rssi_dbm',
    help: 'Received signal strength of the last packet from each node, in dBm; absent for a node that reported none.',
    labelNames: ['node'] as const,
    registers,
    collect() {
      this.reset();
      for (const node of sources.nodes()) {
        if (node.rssi !== null) {
          this.set({ node: String(node.id) }, node.rssi);
        }
      }
    },
  });

  new Gauge({
    name: 'gatehouse_node_last_seen_seconds',
    help: 'Unix time in seconds of the last packet from each node.',
    labelNames: ['node'] as const,
    registers,
    collect() {
      this.reset();
      for (const node of sources.nodes()) {
        this.set({ node: String(node.id) }, Date.parse(node.lastSeen) / 1000);
      }
    },
  });

  registerHistoryMetrics(registry, sources);

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
