import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

export interface PtyPair {
  /** Link to the end a host opens as its serial port. */
  devicePath: string;
  /** Link to the other end, where the simulated radio gateway reads and writes. */
  peerPath: string;
  /** Resolves when socat has exited, for whatever reason. */
  exited: Promise<void>;
  /** Ends socat with SIGTERM, which makes it remove both links, or with SIGKILL after 2 s. */
  stop(): Promise<void>;
}

const linkWaitMs = 5000;
const killWaitMs = 2000;

/**
 * Starts socat with two connected pseudo-terminals and symbolic links to them at `devicePath` and
 * `peerPath`. Rejects when socat is missing or the links do not appear within 5 s.
 */
export async function startPtyPair(devicePath: string, peerPath = `${devicePath}.sim`): Promise<PtyPair> {
  const socat = spawn('socat', [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${peerPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  socat.stderr?.setEncoding('utf8');
  socat.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });

  const exited = new Promise<void>((resolve) => {
    socat.once('exit', () => resolve());
    socat.once('error', () => resolve());
  });
  const spawnError = new Promise<Error>((resolve) => socat.once('error', resolve));

  const waits = new AbortController();
  const ready = Promise.all([waitForPath(devicePath, waits.signal), waitForPath(peerPath, waits.signal)]).then(
    () => null,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const outcome = await Promise.race([ready, spawnError, exited.then(() => new Error('socat exited'))]);
  waits.abort();
  if (outcome !== null) {
    await stopProcess(socat, exited);
    if ('code' in outcome && outcome.code === 'ENOENT') {
      throw new Error('Failed to start socat because it is not installed: install socat (apt-get install socat).', { cause: outcome });
    }
    throw new Error(`Failed to create the pseudo-terminal pair at ${devicePath}: ${outcome.message}. socat output: ${stderr.trim()}`, {
      cause: outcome,
    });
  }

  return { devicePath, peerPath, exited, stop: () => stopProcess(socat, exited) };
}

async function waitForPath(file: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + linkWaitMs;
  while (!signal.aborted) {
    try {
      await access(file);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${file} did not appear within ${linkWaitMs} ms`, { cause: error });
      }
      await delay(10);
    }
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return;
  }
  child.kill('SIGTERM');
  const timer = new AbortController();
  const timedOut = await Promise.race([
    exited.then(() => false),
    delay(killWaitMs, true, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}
