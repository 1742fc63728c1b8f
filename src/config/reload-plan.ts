import type { Config } from './schema.js';

/** A long-running process that reloads the config on SIGHUP. */
export type ConfigReader = 'hub' | 'front';

/** Keys that a process applies at once on reload. Every other key it reads takes a restart. */
export type LiveKey = 'log.level' | 'hub.pingIntervalSeconds';

const liveKeys: Readonly<Record<ConfigReader, readonly LiveKey[]>> = {
  hub: ['log.level', 'hub.pingIntervalSeconds'],
  front: ['log.level'],
};

/**
 * Keys each process reads, as exact keys or as section prefixes ending in a dot. The front reads
 * hub.port to reach the hub but not the hub's ping interval, and only the hub opens the radio.
 */
const keysRead: Readonly<Record<ConfigReader, readonly string[]>> = {
  hub: ['dataDir', 'hub.', 'radio.', 'log.', 'nodeTypes.', 'nodes.', 'commands.', 'history.'],
  front: ['dataDir', 'front.', 'hub.port', 'log.'],
};

/** Copy `running` with one live key's value taken from `next`. */
const liveSetters: Readonly<Record<LiveKey, (running: Readonly<Config>, next: Readonly<Config>) => Readonly<Config>>> = {
  'log.level': (running, next) => ({ ...running, log: { ...running.log, level: next.log.level } }),
  'hub.pingIntervalSeconds': (running, next) => ({ ...running, hub: { ...running.hub, pingIntervalSeconds: next.hub.pingIntervalSeconds } }),
};

/** The changes of one reload, as dotted key names in sorted order. */
export interface ReloadPlan {
  /** Changed keys that this process applies now. */
  live: LiveKey[];
  /** Changed keys that this process reads only at start, so they take effect after a restart. */
  restart: string[];
  /** Changed keys that only the other process reads. */
  otherProcess: string[];
  /** The config in effect after the reload: `running` with the changed live keys taken from `next`. */
  running: Readonly<Config>;
}

/**
 * Compare the config in effect with a newly loaded one, for the process `reader`. Keys are compared
 * by value, lists of objects item by item and other arrays as a whole, and a key present in only one
 * of the two counts as changed. `running` is the config in effect, not the last file read: a key
 * that still needs a restart is listed again on every reload until the process restarts.
 */
export function planReload(running: Readonly<Config>, next: Readonly<Config>, reader: ConfigReader): ReloadPlan {
  const before = flattenConfig(running);
  const after = flattenConfig(next);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key)).sort();

  const plan: ReloadPlan = { live: [], restart: [], otherProcess: [], running };
  for (const key of changed) {
    const live = liveKeys[reader].find((liveKey) => liveKey === key);
    if (live !== undefined) {
      plan.live.push(live);
      plan.running = liveSetters[live](plan.running, next);
    } else if (readsKey(reader, key)) {
      plan.restart.push(key);
    } else {
      plan.otherProcess.push(key);
    }
  }
  return plan;
}

/** Map every leaf of a config to its JSON text, keyed by its dotted path, such as `front.hsts.enabled`. */
export function flattenConfig(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (isPlainObject(value)) {
    for (const [name, inner] of Object.entries(value)) {
      // An optional key that is set to undefined is the same as an absent one.
      if (inner !== undefined) {
        flattenConfig(inner, prefix === '' ? name : `${prefix}.${name}`, into);
      }
    }
    return into;
  }
  // A list of objects, such as the radio gateways, is compared per item and key (`radio.1.port`) so a
  // command-line override can name the one key it replaces. A list of one is named like the single
  // object that config files usually write (`radio.port`). Lists of plain values compare as a whole.
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
    if (value.length === 1) {
      return flattenConfig(value[0], prefix, into);
    }
    value.forEach((item, index) => flattenConfig(item, `${prefix}.${index}`, into));
    return into;
  }
  into.set(prefix, JSON.stringify(value));
  return into;
}

function readsKey(reader: ConfigReader, key: string): boolean {
  return keysRead[reader].some((entry) => (entry.endsWith('.') ? key.startsWith(entry) : key === entry));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
