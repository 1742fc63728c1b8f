import type { MySensorsMessage } from './decode.js';
import { encodeMySensorsMessage } from './encode.js';
import { gatewayNodeId, internal, maxNodeId, minNodeId, nodeChildId, unassignedNodeId } from './types.js';

/** State the controller reads to reply to a message; the session owns and persists it. */
export interface ControllerState {
  /** Node ids given out or heard, so a new node never gets one already in use. */
  usedIds: ReadonlySet<number>;
  /** Last payload per `node;child;type` of set messages, sent back in reply to req messages. */
  lastValues: ReadonlyMap<string, string>;
}

/** The controller's reaction to one message: lines to write and changes to its state. */
export interface ControllerAction {
  lines: string[];
  /** A node id to record as used (heard from a node or just assigned). */
  useId: number | null;
  /** A value to remember for replies to req messages. */
  remember: { key: string; payload: string } | null;
  /** The message came from the gateway itself (node 0), so the gateway is alive. */
  fromGateway: boolean;
  /** An I_ID_REQUEST that found no free id. */
  idsExhausted: boolean;
}

/** Key of a value in ControllerState.lastValues. */
export function valueKey(nodeId: number, childId: number, type: number): string {
  return `${nodeId};${childId};${type}`;
}

/** Returns the lowest id in 1..254 that is not in `used`, or null when all are taken. */
export function freeNodeId(used: ReadonlySet<number>): number | null {
  for (let id = minNodeId; id <= maxNodeId; id += 1) {
    if (!used.has(id)) {
      return id;
    }
  }
  return null;
}

/** The I_VERSION request the controller sends to check that the gateway still responds. */
export const versionProbeLine = encodeMySensorsMessage({ nodeId: gatewayNodeId, childId: nodeChildId, command: 'internal', ack: false, type: internal.version, payload: '' });

/**
 * Decides what a MySensors controller does with one message from the gateway. It is pure, so the time
 * comes in as `epochSeconds`. It replies to I_ID_REQUEST with a free id, to I_CONFIG with `M` (metric
 * units), to I_TIME with the time and to a req with the last value it saw. It also returns the set
 * values and node ids to remember.
 */
export function reactToMessage(message: MySensorsMessage, state: ControllerState, epochSeconds: number): ControllerAction {
  const action: ControllerAction = { lines: [], useId: null, remember: null, fromGateway: message.nodeId === gatewayNodeId, idsExhausted: false };
  const fromNode = message.nodeId >= minNodeId && message.nodeId <= maxNodeId;
  if (fromNode && !state.usedIds.has(message.nodeId)) {
    action.useId = message.nodeId;
  }
  const reply = (type: number, payload: string, childId = nodeChildId): string =>
    encodeMySensorsMessage({ nodeId: message.nodeId, childId, command: 'internal', ack: false, type, payload });

  switch (message.command) {
    case 'set':
      // An echo (ack set) repeats what the controller sent, which is the node's new value too.
      if (fromNode) {
        action.remember = { key: valueKey(message.nodeId, message.childId, message.type), payload: message.payload };
      }
      break;
    case 'req': {
      const last = fromNode ? state.lastValues.get(valueKey(message.nodeId, message.childId, message.type)) : undefined;
      if (last !== undefined) {
        action.lines.push(encodeMySensorsMessage({ nodeId: message.nodeId, childId: message.childId, command: 'set', ack: false, type: message.type, payload: last }));
      }
      break;
    }
    case 'internal':
      if (message.type === internal.idRequest && message.nodeId === unassignedNodeId) {
        const id = freeNodeId(state.usedIds);
        if (id === null) {
          action.idsExhausted = true;
        } else {
          action.useId = id;
          action.lines.push(reply(internal.idResponse, String(id)));
        }
      } else if (message.type === internal.config && fromNode) {
        action.lines.push(reply(internal.config, 'M'));
      } else if (message.type === internal.time && message.nodeId !== unassignedNodeId) {
        action.lines.push(reply(internal.time, String(Math.floor(epochSeconds))));
      }
      break;
    case 'presentation':
    case 'stream':
      break;
  }
  return action;
}
