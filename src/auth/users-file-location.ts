import { stat } from 'node:fs/promises';
import { usersFilePath } from './data-dir.js';

/**
 * Finds the users file from a location that is either the data directory or the file itself: an
 * existing directory means the users file inside it, anything else is taken as the file's path.
 */
export async function resolveUsersFile(location: string): Promise<string> {
  try {
    const stats = await stat(location);
    return stats.isDirectory() ? usersFilePath(location) : location;
  } catch {
    // A path that cannot be stat'ed yet is taken as the file; the reader reports it as missing.
    return location;
  }
}
