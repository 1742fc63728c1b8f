import path from 'node:path';

/** Cache-Control for content-hashed files: the name changes whenever the content does. */
export const immutableCacheControl = 'public, max-age=31536000, immutable';
/** Cache-Control for every other UI file: the browser may keep a copy but must revalidate it first. */
export const revalidateCacheControl = 'no-cache';

/**
 * Vite names bundled files `<name>-<hash>.<ext>` under assets/, with an 8-character base64url hash
 * of the content (Vite 8 default `assetFileNames`). Only those may be cached for a year.
 */
const hashedAssetName = /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * Returns the Cache-Control header for a file of the built UI, given its path relative to the web
 * root. index.html, the manifest and the icons keep fixed names, so they are revalidated on each load.
 * Without that, a new release would stay invisible until the cache expired.
 */
export function cacheControlFor(relativePath: string): string {
  // A compressed copy (file.js.br) is cached like the file it encodes.
  const normalized = relativePath.split(path.sep).join('/').replace(/\.(?:br|gz)$/, '');
  return hashedAssetName.test(normalized) ? immutableCacheControl : revalidateCacheControl;
}
