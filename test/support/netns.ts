import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Network namespaces need root and iproute2; tests that use them skip with this reason otherwise. */
export async function netnsUnavailableReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) {
    return 'network namespaces need root';
  }
  try {
    await run('ip', ['netns', 'list']);
    return null;
  } catch (error) {
    return `ip netns is unavailable: ${(error as Error).message}`;
  }
}

export async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args);
  return stdout;
}

/**
 * A namespace with its own loopback and, when `hostAddress` is given, a veth pair to this one: the
 * host end gets `hostAddress`/30 and the namespace end `peerAddress`/30. Addresses are in a /30 that
 * exists only between the two ends, so no traffic leaves this machine.
 */
export class TestNamespace {
  readonly name: string;
  readonly #veth: string;

  constructor(tag: string) {
    const suffix = `${process.pid % 100000}`;
    this.name = `gh-${tag}-${suffix}`;
    this.#veth = `ghv${suffix}`;
  }

  async create(link?: { hostAddress: string; peerAddress: string }): Promise<void> {
    await ip('netns', 'add', this.name);
    await ip('-n', this.name, 'link', 'set', 'lo', 'up');
    if (link !== undefined) {
      await ip('link', 'add', `${this.#veth}h`, 'type', 'veth', 'peer', 'name', `${this.#veth}n`);
      await ip('link', 'set', `${this.#veth}n`, 'netns', this.name);
      await ip('addr', 'add', `${link.hostAddress}/30`, 'dev', `${this.#veth}h`);
      await ip('link', 'set', `${this.#veth}h`, 'up');
      await ip('-n', this.name, 'addr', 'add', `${link.peerAddress}/30`, 'dev', `${this.#veth}n`);
      await ip('-n', this.name, 'link', 'set', `${this.#veth}n`, 'up');
    }
  }

  /** Run a command inside the namespace and return its standard output. */
  async exec(command: string, args: string[]): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.name, command, ...args], { timeout: 20_000 });
    return stdout;
  }

  async remove(): Promise<void> {
    await ip('link', 'delete', `${this.#veth}h`).catch(() => undefined);
    await ip('netns', 'delete', this.name).catch(() => undefined);
  }
}
