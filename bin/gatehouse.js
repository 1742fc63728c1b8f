#!/usr/bin/env node
// Entry point of the `gatehouse` command: runs the compiled CLI (npm run build makes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/server/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('gatehouse: dist/ is missing. Run "npm run build" in the project folder first.\n');
  process.exit(1);
}
await import(main.href);
