import type { Logger } from '../log/logger.js';

/**
 * Warns once per node id heard on two radio gateways. Node ids are global in Gatehouse, so the
 * registry keeps one node per id, and node.gateway names the gateway it was last heard on. Two radio
 * networks that both use an id show up as one node that switches gateways.
 */
export class GatewayConflicts {
  readonly #logger: Logger;
  readonly #warned = new Set<number>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Logs a warning the first time `nodeId`, last heard on `previous`, arrives on another `gateway`. */
  check(nodeId: number, previous: string | undefined, gateway: string): void {
    if (previous === undefined || previous === gateway || this.#warned.has(nodeId)) {
      return;
    }
    this.#warned.add(nodeId);
    this.#logger.warn(
      { nodeId, previousGateway: previous, gateway },
      'node id heard on two radio gateways: node ids are global, so the node now belongs to the last gateway; give the nodes distinct ids',
    );
  }
}
