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
    // The front's Content-Security-Policy has no 'unsafe-inline', so nothing may be inlined into
    // index.html and small assets stay files (img-src allows data: URLs, but fonts and CSS do not).
    assetsInlineLimit: 0,
  },
});
