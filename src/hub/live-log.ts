import type { LogEntry } from '../protocol/index.js';

/** Entries kept for a client that subscribes: enough for a screen of recent traffic. */
const defaultCapacity = 500;

/**
 * The live log of radio traffic and system events: a bounded ring of recent entries for new
 * subscribers, and a listener for each entry as it is added. Text is stored as given; callers redact
 * secrets before adding.
 */
export class LiveLog {
  readonly #capacity: number;
  readonly #entries: LogEntry[] = [];
  #next = 0;
  readonly #listeners = new Set<(entry: LogEntry) => void>();

  constructor(capacity = defaultCapacity) {
    this.#capacity = capacity;
  }

  add(entry: LogEntry): void {
    if (this.#entries.length < this.#capacity) {
      this.#entries.push(entry);
    } else {
      this.#entries[this.#next] = entry;
      this.#next = (this.#next + 1) % this.#capacity;
    }
    for (const listener of this.#listeners) {
      listener(entry);
    }
  }

  /** The kept entries, oldest first. */
  recent(): LogEntry[] {
    return [...this.#entries.slice(this.#next), ...this.#entries.slice(0, this.#next)];
  }

  /** Register a listener for new entries; the returned function removes it. */
  onEntry(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
