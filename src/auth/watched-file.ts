import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Default time between two checks of a watched file for changes, in milliseconds. */
export const defaultCheckIntervalMs = 1000;

export interface WatchedFileOptions<T> {
  /** The file, or a function that finds it again at each check. */
  path: string | (() => Promise<string>);
  /** Turns the file's text into a value; `text` is null when the file does not exist. Must not throw. */
  parse: (text: string | null, file: string) => T;
  /** Makes the value to use when the file exists but cannot be read, for example because of its permissions. */
  onReadError: (error: unknown, file: string) => T;
  /** Minimum time between two checks for changes, in milliseconds. */
  checkIntervalMs?: number;
  /** Clock in milliseconds; tests pass a fake one. */
  now?: () => number;
}

/** A file's parsed content that is reloaded when the file changes. */
export interface WatchedFile<T> {
  /** Returns the parsed content, first reloading the file when the last check is older than the interval and the file changed. */
  current(): Promise<T>;
  /** Number of loads so far; it grows each time the file is read again, so callers can drop what they derived from older content. */
  readonly generation: number;
}

/**
 * Watches a file by comparing its inode, size and modification time with an async stat, at most once
 * per check interval. Concurrent callers share one check. Polling needs no inotify watch, and it sees
 * a file rewritten in place as well as one replaced by rename, which is how the users store saves it.
 */
export function watchFile<T>(options: WatchedFileOptions<T>): WatchedFile<T> {
  const interval = options.checkIntervalMs ?? defaultCheckIntervalMs;
  const now = options.now ?? Date.now;
  let loaded: { value: T; signature: string } | undefined;
  let lastCheck = 0;
  let pending: Promise<T> | null = null;
  let generation = 0;

  async function refresh(): Promise<T> {
    const file = typeof options.path === 'string' ? options.path : await options.path();
    const signature = await signatureOf(file);
    lastCheck = now();
    if (loaded !== undefined && loaded.signature === signature) {
      return loaded.value;
    }

    let value: T;
    let loadedSignature = signature;
    try {
      const read = await readWithSignature(file);
      value = options.parse(read?.text ?? null, file);
      loadedSignature = read?.signature ?? 'missing';
    } catch (error) {
      value = options.onReadError(error, file);
    }
    loaded = { value, signature: loadedSignature };
    generation += 1;
    return value;
  }

  return {
    current(): Promise<T> {
      if (loaded !== undefined && now() - lastCheck < interval) {
        return Promise.resolve(loaded.value);
      }
      pending ??= refresh().finally(() => {
        pending = null;
      });
      return pending;
    },
    get generation(): number {
      return generation;
    },
  };
}

function signatureFromStats(stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

async function signatureOf(file: string): Promise<string> {
  try {
    return signatureFromStats(await stat(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'missing' : `error:${code ?? 'unknown'}`;
  }
}

/** Reads a file and stats the same open file, so the signature matches the text even if the file is replaced meanwhile. */
async function readWithSignature(file: string): Promise<{ text: string; signature: string } | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
  try {
    const stats = await handle.stat();
    const text = await handle.readFile('utf8');
    return { text, signature: signatureFromStats(stats) };
  } finally {
    await handle.close();
  }
}
