import { type LoadedConfig, loadConfig } from '../config/index.js';
import { isGatehouseError } from '../errors/index.js';
import { type Finding, finding } from './finding.js';

/** The loaded config and its finding, or only the finding when the config is invalid or unreadable. */
export type ConfigOutcome = { loaded: LoadedConfig; finding: Finding } | { loaded: null; finding: Finding };

/** Loads the config as every other command does and turns the result into a finding. */
export function checkConfig(file: string | undefined, cwd: string = process.cwd()): ConfigOutcome {
  try {
    const loaded = loadConfig(file, cwd);
    const source = loaded.file ?? 'built-in defaults (no --config given and no ./gatehouse.yaml)';
    return { loaded, finding: finding('ok', 'config', 'configuration', `valid: ${source}`) };
  } catch (error) {
    if (isGatehouseError(error) && error.code.startsWith('CONFIG_')) {
      return {
        loaded: null,
        finding: finding('fail', 'config', 'configuration', error.message, 'fix each key listed (docs/configuration.md lists every key and its form)'),
      };
    }
    throw error;
  }
}
