import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GatehouseError } from '../errors/index.js';
import { type Config, configSchema } from './schema.js';

export interface LoadedConfig {
  config: Readonly<Config>;
  /** The file the config came from, or null when only defaults apply. */
  file: string | null;
  /** dataDir resolved to an absolute path. */
  dataDir: string;
}

const defaultFile = 'gatehouse.yaml';

/**
 * Load, validate and freeze the configuration. Reads `file` when given, else ./gatehouse.yaml when it
 * exists, else uses the defaults. Throws CONFIG_UNREADABLE or CONFIG_INVALID with one line per problem.
 */
export function loadConfig(file: string | undefined, cwd: string = process.cwd()): LoadedConfig {
  const chosen = file ?? (existsSync(path.join(cwd, defaultFile)) ? defaultFile : null);
  if (chosen === null) {
    return finish(parseConfig({}, '(defaults)'), null, cwd);
  }

  const absolute = path.resolve(cwd, chosen);
  let raw: unknown;
  try {
    // Read at start-up, before any server runs, and again on SIGHUP. The file is a few hundred bytes,
    // so the synchronous read blocks the event loop for no noticeable time.
    raw = parseYaml(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new GatehouseError('CONFIG_UNREADABLE', `cannot read config file ${absolute}: ${(error as Error).message}`, {
      cause: error,
      context: { file: absolute },
    });
  }
  return finish(parseConfig(raw ?? {}, absolute), absolute, path.dirname(absolute));
}

/** Validate an already parsed YAML document; `source` names it in error messages. */
export function parseConfig(raw: unknown, source: string): Config {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (result.success) {
    return result.data;
  }
  const radioIsList = typeof raw === 'object' && raw !== null && Array.isArray((raw as Record<string, unknown>).radio);
  const issues = result.error.issues.map((issue) => (radioIsList ? issue : withoutSingleRadioIndex(issue)));
  const lines = issues.map((issue) => `  - ${describeIssue(issue)}`);
  throw new GatehouseError('CONFIG_INVALID', `invalid configuration in ${source}:\n${lines.join('\n')}`, {
    context: { source, issues: result.error.issues.length },
  });
}

/**
 * `radio:` written as one object is checked as a list of one, so its issues read `radio.0.port`; the
 * user wrote `radio.port`, so the index is removed from the path.
 */
function withoutSingleRadioIndex(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.path[0] !== 'radio' || issue.path[1] !== 0) {
    return issue;
  }
  return { ...issue, path: ['radio', ...issue.path.slice(2)] };
}

/** Resolve every path in the config against `baseDir`, so each process reads the same files whatever its working directory. */
function finish(config: Config, file: string | null, baseDir: string): LoadedConfig {
  const dataDir = path.resolve(baseDir, config.dataDir);
  const resolve = (value: string | undefined): string | undefined => (value === undefined ? undefined : path.resolve(baseDir, value));
  const front = { ...config.front };
  for (const key of ['certFile', 'keyFile', 'acmeWebroot'] as const) {
    const resolved = resolve(front[key]);
    if (resolved === undefined) {
      delete front[key];
    } else {
      front[key] = resolved;
    }
  }
  return { config: deepFreeze({ ...config, dataDir, front }), file, dataDir };
}

/** One line naming the key, the value found and the form expected. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.');
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((name) => (issue.path.length === 0 ? name : `${key}.${name}`));
      return `unknown key ${keys.map((name) => `"${name}"`).join(', ')}: remove it or fix its spelling (docs/configuration.md lists every key)`;
    }
    case 'invalid_value':
      return `${key}: got ${show(issue.input)}, expected one of ${issue.values.map((value) => show(value)).join(', ')}`;
    case 'invalid_type':
      return issue.message.startsWith('expected')
        ? `${key}: got ${show(issue.input)}, ${issue.message}`
        : `${key}: got ${show(issue.input)}, expected ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
    case 'too_small':
    case 'too_big':
      return `${key}: got ${show(issue.input)}, ${lowerFirst(issue.message)}`;
    case 'custom':
      // A refinement of a whole section has that section as input, which is no help to show.
      return typeof issue.input === 'object' && issue.input !== null ? `${key}: ${issue.message}` : `${key}: got ${show(issue.input)}, ${issue.message}`;
    default:
      return `${key}: got ${show(issue.input)}, ${lowerFirst(issue.message)}`;
  }
}

function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
    Object.freeze(value);
  }
  return value;
}
