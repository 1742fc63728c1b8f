import type { z } from 'zod';
import { GatehouseError } from '../errors/index.js';

/** Most schema problems named in one message; the rest are counted. */
const maxListedIssues = 5;

/**
 * Validates a request body or query string with a zod schema. Throws PROTOCOL_MESSAGE_INVALID naming
 * each field and what was expected. The message quotes field names only, never the values, so a
 * password in a rejected body cannot reach a reply or a log line.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.slice(0, maxListedIssues).map((issue) => {
    const field = issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `;
    return `${field}${issue.message}`;
  });
  const more = result.error.issues.length - issues.length;
  const suffix = more > 0 ? `; and ${more} more` : '';
  throw new GatehouseError('PROTOCOL_MESSAGE_INVALID', `invalid ${what}: ${issues.join('; ')}${suffix}`);
}
