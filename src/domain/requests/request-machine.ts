import type { NodeRequest, RequestState } from '../../protocol/index.js';

/**
 * The lifecycle of a request for a sleeping node, as a pure transition function:
 *
 *   pending --confirmed OK--> ok
 *   pending --confirmed INV--> invalid
 *   pending --deadline passed--> timedOut
 *   pending --cancelled by a user--> cancelled
 *
 * The end states are final: every event on them leaves the request as it is. Times come with the
 * events, so there is no clock here.
 */
export type RequestEvent =
  | { type: 'confirmed'; result: 'ok' | 'invalid'; time: Date }
  | { type: 'deadline'; time: Date }
  | { type: 'cancel'; time: Date };

export interface Transition {
  request: NodeRequest;
  /** False when the event did not apply (an end state, or a deadline not reached yet). */
  changed: boolean;
}

export interface NewRequest {
  id: string;
  gateway: string;
  nodeId: number;
  name: string;
  value: string | null;
  user: string;
  time: Date;
  timeoutMs: number;
}

/** Creates a pending request that times out `timeoutMs` after `time`. */
export function createRequest(input: NewRequest): NodeRequest {
  const iso = input.time.toISOString();
  return {
    id: input.id,
    gateway: input.gateway,
    nodeId: input.nodeId,
    name: input.name,
    value: input.value,
    state: 'pending',
    createdAt: iso,
    updatedAt: iso,
    expiresAt: new Date(input.time.getTime() + input.timeoutMs).toISOString(),
    user: input.user,
  };
}

/** Applies `event` to `request`; returns the new request, or the same one when nothing changes. */
export function transition(request: NodeRequest, event: RequestEvent): Transition {
  if (request.state !== 'pending') {
    return { request, changed: false };
  }
  switch (event.type) {
    case 'confirmed':
      return moveTo(request, event.result, event.time);
    case 'deadline':
      if (event.time.getTime() < Date.parse(request.expiresAt)) {
        return { request, changed: false };
      }
      return moveTo(request, 'timedOut', event.time);
    case 'cancel':
      return moveTo(request, 'cancelled', event.time);
  }
}

function moveTo(request: NodeRequest, state: RequestState, time: Date): Transition {
  return { request: { ...request, state, updatedAt: time.toISOString() }, changed: true };
}

/** Returns whether the request still waits for its node. */
export function isPending(request: NodeRequest): boolean {
  return request.state === 'pending';
}

/**
 * Finds the pending request of node `nodeId` that a confirmation `name:value` matches. That is the
 * oldest with the same name and value, else the oldest with the same name, because a node may print
 * the value it applied in another form (`20` for `020`). Returns undefined when none matches.
 */
export function matchConfirmation(requests: Iterable<NodeRequest>, nodeId: number, name: string, value: string): NodeRequest | undefined {
  const candidates = [...requests]
    .filter((request) => request.state === 'pending' && request.nodeId === nodeId && request.name === name)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return candidates.find((request) => request.value === value) ?? candidates[0];
}

/** Returns whether an ended request changed within `windowMs` of `now`, so the snapshot still lists it. */
export function isRecent(request: NodeRequest, now: Date, windowMs: number): boolean {
  return isPending(request) || now.getTime() - Date.parse(request.updatedAt) <= windowMs;
}
