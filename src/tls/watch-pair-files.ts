import { realpath, watch } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from '../log/logger.js';

export interface PairWatcherOptions {
  certFile: string;
  keyFile: string;
  /** Quiet time after the last change before `onChange` runs. */
  debounceMs: number;
  /** Runs once per burst of changes. The watcher never runs two calls at once. */
  onChange: () => Promise<void>;
  logger: Logger;
}

export interface PairWatcher {
  stop(): void;
}

/**
 * Watch the folders of a certificate and key file and call `onChange` after they change.
 *
 * certbot renews by writing new files under /etc/letsencrypt/archive/ and then replacing the symlinks
 * under /etc/letsencrypt/live/ one by one, and other tools replace a file by renaming a new one over
 * it. A watch on the file itself would stay on the old inode, so this watches the folder of each
 * configured path and the folder of the file it resolves to. The symlink target changes on renewal,
 * so the folders are resolved again and the watches renewed before each `onChange`.
 * The debounce lets certbot finish a burst of four symlink replacements before anything is read.
 * All file system calls are asynchronous. The returned watcher is active once the promise resolves.
 */
export async function watchPairFiles(options: PairWatcherOptions): Promise<PairWatcher> {
  const { logger } = options;
  let watches = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(runChange).catch((error: unknown) => {
        logger.error({ err: error }, 'reloading the TLS files after a change failed');
      });
    }, options.debounceMs);
  };

  const runChange = async (): Promise<void> => {
    if (stopped) {
      return;
    }
    await renewWatches();
    await options.onChange();
  };

  const renewWatches = async (): Promise<void> => {
    watches.abort();
    watches = new AbortController();
    for (const folder of await foldersOf([options.certFile, options.keyFile])) {
      void watchFolder(folder, watches.signal);
    }
  };

  const watchFolder = async (folder: string, signal: AbortSignal): Promise<void> => {
    try {
      for await (const event of watch(folder, { signal })) {
        logger.debug({ folder, file: event.filename, event: event.eventType }, 'a TLS file folder changed');
        schedule();
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') {
        logger.warn({ err: error, folder }, 'watching a TLS file folder failed; send SIGHUP to reload the certificate by hand');
      }
    }
  };

  await renewWatches();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      watches.abort();
    },
  };
}

/** Collect the folder of each path and of the file it resolves to through symlinks, without repeats. */
async function foldersOf(files: string[]): Promise<string[]> {
  const folders = new Set<string>();
  for (const file of files) {
    folders.add(path.dirname(path.resolve(file)));
    try {
      folders.add(path.dirname(await realpath(file)));
    } catch {
      // A dangling symlink in the middle of a renewal resolves later; the configured folder is watched.
    }
  }
  return [...folders];
}
