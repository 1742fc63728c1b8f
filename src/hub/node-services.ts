import type { AuditRecorder } from '../audit/types.js';
import type { CommandsConfig } from '../config/commands-schema.js';
import { type NodeRegistry, NodeTypeCatalog } from '../domain/index.js';
import type { Logger } from '../log/logger.js';
import type { ServerMessage } from '../protocol/index.js';
import type { RadioGateway } from './hub.js';
import type { LiveLog } from './live-log.js';
import { defaultNodeSaveDelayMs, defaultOfflineSweepMs, NodeLifecycle } from './node-lifecycle.js';
import { RequestService, type RequestRoute } from './request-service.js';

/** Request timeout when the hub gets no `commands` section: the config's default of 1440 minutes. */
const defaultRequestTimeoutMs = 1440 * 60_000;

export interface NodeServicesOptions {
  dataDir: string;
  registry: NodeRegistry;
  liveLog: LiveLog;
  nodeTypes: NodeTypeCatalog | undefined;
  commands: CommandsConfig | undefined;
  lifecycle: { saveDelayMs?: number; sweepIntervalMs?: number } | undefined;
  /** The radio gateway that takes node `nodeId`'s commands and requests. */
  gatewayOf: (nodeId: number) => RadioGateway;
  /** The radio gateway named `name`, if there is one. */
  gatewayNamed: (name: string) => RadioGateway | undefined;
  broadcast: (message: ServerMessage) => void;
  audit: AuditRecorder;
  logger: Logger;
  /** The hub's clock override, when a test gives one. */
  now: (() => Date) | undefined;
}

/** Builds the node lifecycle and the request service of one hub from the hub's options. */
export function createNodeServices(options: NodeServicesOptions): { lifecycle: NodeLifecycle; requests: RequestService } {
  const clock = options.now === undefined ? {} : { now: options.now };
  const lifecycle = new NodeLifecycle({
    dataDir: options.dataDir,
    registry: options.registry,
    catalog: options.nodeTypes ?? new NodeTypeCatalog(),
    saveDelayMs: options.lifecycle?.saveDelayMs ?? defaultNodeSaveDelayMs,
    sweepIntervalMs: options.lifecycle?.sweepIntervalMs ?? defaultOfflineSweepMs,
    audit: options.audit,
    logger: options.logger.child({ component: 'nodes' }),
    ...clock,
  });
  const requests = new RequestService({
    dataDir: options.dataDir,
    route: (nodeId) => requestRouteOf(options.gatewayOf(nodeId)),
    routeOfGateway: (name) => {
      const gateway = options.gatewayNamed(name);
      return gateway === undefined ? null : requestRouteOf(gateway);
    },
    timeoutMs: options.commands === undefined ? defaultRequestTimeoutMs : options.commands.requestTimeoutMinutes * 60_000,
    onChange: (request) => options.broadcast({ type: 'request', request }),
    onWritten: (gateway, nodeId, line) =>
      options.liveLog.add({ time: (options.now?.() ?? new Date()).toISOString(), gateway, direction: 'out', kind: 'request', nodeId, text: line }),
    audit: options.audit,
    logger: options.logger.child({ component: 'requests' }),
    ...clock,
  });
  return { lifecycle, requests };
}

/** Returns the request route of a radio gateway, or null when its dialect has no request queue. */
function requestRouteOf(gateway: RadioGateway): RequestRoute | null {
  const { name, link, codec } = gateway;
  if (codec.encodeRequest === undefined || codec.encodeRequestCancel === undefined) {
    return null;
  }
  return { gateway: name, link, encodeRequest: codec.encodeRequest.bind(codec), encodeRequestCancel: codec.encodeRequestCancel.bind(codec) };
}
