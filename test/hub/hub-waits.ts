import { setTimeout as delay } from 'node:timers/promises';
import type { HubHarness } from './hub-harness.js';

/** Polls `check` every 20 ms until it returns a value other than undefined, for at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await delay(20);
  }
}

/** Waits until the hub's link to the pty is open. */
export async function linkOpen(harness: HubHarness): Promise<void> {
  await waitFor('the radio link to open', () => (harness.hub.linkStatuses()[0]?.state === 'open' ? true : undefined));
}

/** Writes a packet line on the pty and waits until the hub's registry has the node. */
export async function hearNode(harness: HubHarness, line: string, nodeId: number): Promise<void> {
  const before = harness.hub.registry.get(nodeId)?.packets ?? 0;
  await harness.radio.write(`${line}\n`);
  await waitFor(`a packet from node ${nodeId}`, () => ((harness.hub.registry.get(nodeId)?.packets ?? 0) > before ? true : undefined));
}

/** Parsed websocket messages of `type` received so far. */
export function messagesOf(messages: string[], type: string): Array<Record<string, unknown>> {
  return messages.map((text) => JSON.parse(text) as Record<string, unknown>).filter((message) => message.type === type);
}

/** Counts how many times the hub wrote `line` to the pty. */
export function timesWritten(harness: HubHarness, line: string): number {
  return harness.radio.received.split(/\r?\n/).filter((written) => written === line).length;
}
