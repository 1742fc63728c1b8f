import { CommanderError } from 'commander';
import { isGatehouseError } from '../errors/index.js';

/** Exit codes of the gatehouse command. */
export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Print a failure for a person at a terminal and return the exit code: 2 for usage and config
 * errors, 1 for runtime failures. Unexpected errors keep their stack, because they are bugs.
 */
export function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  }
  if (isGatehouseError(error)) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
    const usage = error.code.startsWith('CONFIG_') || error.code.startsWith('AUTH_USER') || error.code.startsWith('AUTH_TOKEN_') || error.code === 'PROTOCOL_MESSAGE_INVALID';
    return usage ? exitCodes.usage : exitCodes.failure;
  }
  process.stderr.write(`gatehouse: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return exitCodes.failure;
}
