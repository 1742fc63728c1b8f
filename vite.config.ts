// Build of the browser UI: web/ is the Vite root and the bundle goes to dist/web/, which the front serves.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('./web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // The front's CSP allows data: URLs for images only (font-src falls back to default-src 'self'), so
    // Vite must not turn small assets into data: URLs.
    assetsInlineLimit: 0,
  },
});
