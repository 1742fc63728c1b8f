import type { Command, ErrorBody, LinkStatus, LogEntry, Node, NodeRequest, Role } from '../../src/protocol/index.js';
import { Observable } from './observable.js';

export interface User {
  name: string;
  role: Role;
}

/** Link status as last received, with the browser time it arrived, so a retry delay can count down. */
export interface ReceivedLinkStatus {
  status: LinkStatus;
  receivedAt: number;
}

/**
 * State of the websocket to the hub, as the connection banner shows it. `blocked` means that plain
 * HTTPS requests reach the hub but the websocket handshake keeps failing, as behind a proxy that does
 * not pass websockets. The page keeps retrying with backoff in that state too.
 */
export type ConnectionPhase =
  | { phase: 'connecting' }
  | { phase: 'open' }
  | { phase: 'waiting'; retryAt: number }
  | { phase: 'blocked'; retryAt: number };

/** Last command sent to one node from this page, and what became of it. */
export interface CommandStatus {
  id: string;
  payload: string;
  state: 'pending' | Command['state'] | 'error';
  /** Reason the command failed, in words, or null unless the state is 'error'. */
  message: string | null;
  /** ISO 8601 time the hub accepted the command, or null until a reply arrives. */
  time: string | null;
}

/** Hub messages this page dropped, by reason. */
export interface DropCounts {
  invalidJson: number;
  invalidMessage: number;
}

export type DropReason = keyof DropCounts;

/** Maximum live log entries the page keeps; older ones are dropped first. */
export const maxLogEntries = 1000;

export function canSendCommands(user: User | null): boolean {
  return user?.role === 'admin' || user?.role === 'operator';
}

export function isAdmin(user: User | null): boolean {
  return user?.role === 'admin';
}

/**
 * Everything the page shows, split into observables so that a `node` message re-renders one node card
 * and a `link` message only the link panels.
 */
export class HubStore {
  readonly user = new Observable<User | null>(null);
  /** Link status per radio gateway, in the order of the snapshot (the config order). */
  readonly links = new Observable<readonly ReceivedLinkStatus[]>([]);
  /** Ids of the known nodes, ascending. */
  readonly nodeIds = new Observable<readonly number[]>([]);
  readonly connection = new Observable<ConnectionPhase>({ phase: 'connecting' });
  readonly dropped = new Observable<DropCounts>({ invalidJson: 0, invalidMessage: 0 });
  /** Last hub error that replies to no command from this page. */
  readonly hubError = new Observable<ErrorBody | null>(null);
  /** True once the first snapshot arrived. The page shows a placeholder until then. */
  readonly synced = new Observable<boolean>(false);
  /** Requests for sleeping nodes known to this page, by id. */
  readonly requests = new Observable<ReadonlyMap<string, NodeRequest>>(new Map());
  /** Live log entries, oldest first, at most `maxLogEntries`. */
  readonly logEntries = new Observable<readonly LogEntry[]>([]);

  readonly #nodes = new Map<number, Observable<Node>>();
  readonly #commands = new Map<number, Observable<CommandStatus | null>>();
  /** Node id of each command that still waits for its reply, by command id. */
  readonly #pendingCommands = new Map<string, number>();

  node(id: number): Observable<Node> | undefined {
    return this.#nodes.get(id);
  }

  /** Returns the observable status of the last command to node `nodeId`, creating it on first use. */
  command(nodeId: number): Observable<CommandStatus | null> {
    let status = this.#commands.get(nodeId);
    if (status === undefined) {
      status = new Observable<CommandStatus | null>(null);
      this.#commands.set(nodeId, status);
    }
    return status;
  }

  /** Replaces all state with a fresh snapshot. Cards of nodes that are still present keep their elements. */
  applySnapshot(user: User, links: readonly LinkStatus[], nodes: readonly Node[], requests: readonly NodeRequest[], receivedAt: number): void {
    const current = this.user.get();
    if (current === null || current.name !== user.name || current.role !== user.role) {
      this.user.set({ name: user.name, role: user.role });
    }
    this.links.set(links.map((status) => ({ status, receivedAt })));

    const ids = new Set(nodes.map((node) => node.id));
    for (const id of [...this.#nodes.keys()]) {
      if (!ids.has(id)) {
        this.#nodes.delete(id);
      }
    }
    for (const node of nodes) {
      this.#storeNode(node);
    }
    this.#publishNodeIds();
    this.requests.set(new Map(requests.map((request) => [request.id, request])));
    this.hubError.set(null);
    this.synced.set(true);
  }

  applyNode(node: Node): void {
    const isNew = !this.#nodes.has(node.id);
    this.#storeNode(node);
    if (isNew) {
      this.#publishNodeIds();
    }
  }

  removeNode(nodeId: number): void {
    if (this.#nodes.delete(nodeId)) {
      this.#publishNodeIds();
    }
  }

  /** Replaces the status of the link with the same gateway name, or adds it after the others. */
  applyLink(status: LinkStatus, receivedAt: number): void {
    const links = this.links.get();
    const index = links.findIndex((link) => link.status.gateway === status.gateway);
    const received = { status, receivedAt };
    this.links.set(index === -1 ? [...links, received] : links.map((link, position) => (position === index ? received : link)));
  }

  applyRequest(request: NodeRequest): void {
    const next = new Map(this.requests.get());
    next.set(request.id, request);
    this.requests.set(next);
  }

  /** Adds requests fetched over REST without replacing newer ones that arrived on the websocket. */
  mergeRequests(requests: readonly NodeRequest[]): void {
    const next = new Map(this.requests.get());
    for (const request of requests) {
      const known = next.get(request.id);
      if (known === undefined || Date.parse(known.updatedAt) <= Date.parse(request.updatedAt)) {
        next.set(request.id, request);
      }
    }
    this.requests.set(next);
  }

  appendLog(entries: readonly LogEntry[]): void {
    if (entries.length === 0) {
      return;
    }
    const combined = [...this.logEntries.get(), ...entries];
    this.logEntries.set(combined.length > maxLogEntries ? combined.slice(combined.length - maxLogEntries) : combined);
  }

  clearLog(): void {
    this.logEntries.set([]);
  }

  /** Records that command `id` went out to node `nodeId` and now waits for the hub's reply. */
  commandSent(id: string, nodeId: number, payload: string): void {
    this.#pendingCommands.set(id, nodeId);
    this.command(nodeId).set({ id, payload, state: 'pending', message: null, time: null });
  }

  /** Records a command that never left the page, for example because the hub is not connected. */
  commandRejected(nodeId: number, payload: string, message: string): void {
    this.command(nodeId).set({ id: '', payload, state: 'error', message, time: null });
  }

  applyReply(id: string, command: Command): void {
    const nodeId = this.#pendingCommands.get(id) ?? command.nodeId;
    this.#pendingCommands.delete(id);
    this.#updateCommand(nodeId, id, (status) => ({ ...status, id: command.id, state: command.state, time: command.time }));
  }

  /** Applies a later state of a queued command (sent once the link reopened, or expired). */
  applyCommand(command: Command): void {
    this.#updateCommand(command.nodeId, command.id, (status) => ({ ...status, state: command.state, time: command.time }));
  }

  /** Shows a hub error next to the command it replies to, or in the page's error line if there is none. */
  applyError(id: string | null, error: ErrorBody): void {
    const nodeId = id === null ? undefined : this.#pendingCommands.get(id);
    if (id === null || nodeId === undefined) {
      this.hubError.set(error);
      return;
    }
    this.#pendingCommands.delete(id);
    this.#updateCommand(nodeId, id, (status) => ({ ...status, state: 'error', message: error.message }));
  }

  countDrop(reason: DropReason): void {
    const counts = this.dropped.get();
    this.dropped.set({ ...counts, [reason]: counts[reason] + 1 });
  }

  /** Marks every command still waiting for a reply as failed, because a closed socket brings none. */
  connectionLost(): void {
    for (const [id, nodeId] of this.#pendingCommands) {
      this.#updateCommand(nodeId, id, (status) => ({
        ...status,
        state: 'error',
        message: 'The connection closed before the hub replied; the command may or may not have been sent.',
      }));
    }
    this.#pendingCommands.clear();
  }

  #storeNode(node: Node): void {
    const existing = this.#nodes.get(node.id);
    if (existing === undefined) {
      this.#nodes.set(node.id, new Observable(node));
    } else {
      existing.set(node);
    }
  }

  #publishNodeIds(): void {
    const ids = [...this.#nodes.keys()].sort((a, b) => a - b);
    const previous = this.nodeIds.get();
    const unchanged = ids.length === previous.length && ids.every((id, index) => id === previous[index]);
    if (!unchanged) {
      this.nodeIds.set(ids);
    }
  }

  /** Applies `change` to the status of command `id` if it is still the last command shown for the node. */
  #updateCommand(nodeId: number, id: string, change: (status: CommandStatus) => CommandStatus): void {
    const observable = this.command(nodeId);
    const status = observable.get();
    if (status !== null && status.id === id) {
      observable.set(change(status));
    }
  }
}
