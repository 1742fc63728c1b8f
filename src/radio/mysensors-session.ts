import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../auth/atomic-write.js';
import type { Logger } from '../log/logger.js';
import { reactToMessage, versionProbeLine } from './mysensors/controller.js';
import { decodeMySensorsLine } from './mysensors/decode.js';
import { maxNodeId, minNodeId } from './mysensors/types.js';
import type { GatewaySession, GatewaySessionContext, GatewaySessionStatus } from './session.js';

export interface MySensorsSessionOptions {
  /** Name of the radio gateway, for logs. */
  gateway: string;
  /** JSON file that records the node ids in use, such as `<dataDir>/mysensors/<gateway>-node-ids.json`. */
  idsFile: string;
  /** Milliseconds between I_VERSION probes; the gateway counts as silent after two intervals without a line. */
  probeIntervalMs: number;
  logger: Logger;
  now?: () => Date;
}

interface IdsFile {
  version: 1;
  ids: number[];
}

/**
 * The controller side of one MySensors gateway. It gives out node ids from a record kept in the data
 * directory and replies to I_TIME, I_CONFIG and req messages. It probes the gateway with I_VERSION, so
 * a silent gateway shows as not responding in the link status.
 */
export class MySensorsSession implements GatewaySession {
  readonly #options: MySensorsSessionOptions;
  readonly #logger: Logger;
  readonly #usedIds = new Set<number>();
  readonly #lastValues = new Map<string, string>();
  #context: GatewaySessionContext | null = null;
  #probeTimer: NodeJS.Timeout | null = null;
  #linkOpen = false;
  #lastHeardMs = 0;
  #responding: boolean | null = null;
  /** Writes of the ids file, chained so they land in order. */
  #saving: Promise<void> = Promise.resolve();
  #exhaustedLogged = false;

  constructor(options: MySensorsSessionOptions) {
    this.#options = options;
    this.#logger = options.logger;
  }

  async start(context: GatewaySessionContext): Promise<void> {
    this.#context = context;
    for (const id of await this.#loadIds()) {
      this.#usedIds.add(id);
    }
    this.#probeTimer = setInterval(() => this.#probe(), this.#options.probeIntervalMs);
    this.#probeTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.#probeTimer !== null) {
      clearInterval(this.#probeTimer);
      this.#probeTimer = null;
    }
    this.#context = null;
    await this.#saving;
  }

  onLinkState(open: boolean): void {
    if (open === this.#linkOpen) {
      return;
    }
    this.#linkOpen = open;
    this.#lastHeardMs = this.#nowMs();
    this.#setResponding(null);
    if (open) {
      this.#write(versionProbeLine);
    }
  }

  onLine(line: string): void {
    this.#lastHeardMs = this.#nowMs();
    this.#setResponding(true);
    const decoded = decodeMySensorsLine(line);
    if (decoded.kind === 'malformed') {
      return;
    }
    const action = reactToMessage(decoded.message, { usedIds: this.#usedIds, lastValues: this.#lastValues }, this.#nowMs() / 1000);
    if (action.remember !== null) {
      this.#lastValues.set(action.remember.key, action.remember.payload);
    }
    if (action.useId !== null) {
      this.#usedIds.add(action.useId);
      this.#saveIds();
    }
    if (action.idsExhausted && !this.#exhaustedLogged) {
      this.#exhaustedLogged = true;
      this.#logger.error({ gateway: this.#options.gateway, idsFile: this.#options.idsFile }, 'no free mysensors node id left: remove unused ids from the ids file');
    }
    for (const reply of action.lines) {
      this.#write(reply);
    }
  }

  status(): GatewaySessionStatus {
    const silentSeconds = Math.round((2 * this.#options.probeIntervalMs) / 1000);
    return {
      warning: this.#responding === false ? `the gateway sent nothing for ${silentSeconds} s, not even an answer to I_VERSION: it looks disconnected` : null,
      responding: this.#responding,
    };
  }

  #probe(): void {
    if (!this.#linkOpen) {
      return;
    }
    if (this.#nowMs() - this.#lastHeardMs >= 2 * this.#options.probeIntervalMs && this.#responding !== false) {
      this.#logger.warn({ gateway: this.#options.gateway }, 'mysensors gateway sent nothing for two probe intervals: marked as not responding');
      this.#setResponding(false);
    }
    this.#write(versionProbeLine);
  }

  #setResponding(responding: boolean | null): void {
    if (responding === this.#responding) {
      return;
    }
    const recovered = this.#responding === false && responding === true;
    this.#responding = responding;
    if (recovered) {
      this.#logger.info({ gateway: this.#options.gateway }, 'mysensors gateway responds again');
    }
    this.#context?.statusChanged();
  }

  #write(line: string): void {
    const context = this.#context;
    if (context === null || !context.linkOpen()) {
      return;
    }
    context.write(line).catch((error: unknown) => {
      this.#logger.warn({ err: error, gateway: this.#options.gateway, line }, 'mysensors controller reply not written');
    });
  }

  async #loadIds(): Promise<number[]> {
    let text: string;
    try {
      text = await readFile(this.#options.idsFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw error;
    }
    const ids = parseIdsFile(text);
    if (ids === null) {
      // The file is rewritten with the ids heard from now on; ids given out before may be given again.
      this.#logger.error({ idsFile: this.#options.idsFile }, 'invalid mysensors ids file ignored, so ids may be given out twice: fix it to {"version":1,"ids":[...]} with ids 1 to 254, or remove it');
      return [];
    }
    return ids;
  }

  #saveIds(): void {
    const content: IdsFile = { version: 1, ids: [...this.#usedIds].sort((a, b) => a - b) };
    const file = this.#options.idsFile;
    this.#saving = this.#saving
      .then(async () => {
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, `${JSON.stringify(content)}\n`);
      })
      .catch((error: unknown) => this.#logger.error({ err: error, idsFile: file }, 'writing the mysensors ids file failed'));
  }

  #nowMs(): number {
    return (this.#options.now?.() ?? new Date()).getTime();
  }
}

/** Parses the ids file; returns null unless it is `{"version":1,"ids":[...]}` with ids 1..254. */
export function parseIdsFile(text: string): number[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || (value as IdsFile).version !== 1 || !Array.isArray((value as IdsFile).ids)) {
    return null;
  }
  const ids = (value as IdsFile).ids as unknown[];
  const valid = ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= minNodeId && id <= maxNodeId);
  return valid ? (ids as number[]) : null;
}
