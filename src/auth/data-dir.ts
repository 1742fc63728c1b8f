import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/** File names inside the data directory that the auth module owns. */
export const usersFileName = 'users.htpasswd';
export const rolesFileName = 'users.roles';
export const proxySecretFileName = 'proxy-secret';

export function usersFilePath(dataDir: string): string {
  return path.join(dataDir, usersFileName);
}

export function rolesFilePath(dataDir: string): string {
  return path.join(dataDir, rolesFileName);
}

export function proxySecretFilePath(dataDir: string): string {
  return path.join(dataDir, proxySecretFileName);
}

/**
 * Creates the data directory, and any missing parents, with mode 0700 because it contains the TLS key,
 * the proxy secret and the password hashes. An existing directory keeps its mode, so an administrator
 * can open it to a web server's group on purpose.
 */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
}
