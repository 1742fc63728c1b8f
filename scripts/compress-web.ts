// Writes brotli (.br) and gzip (.gz) copies of the built UI's text files next to them, so the front
// can send a phone the compressed bytes without compressing on every request. Run after `vite build`.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const webRoot = fileURLToPath(new URL('../dist/web', import.meta.url));
/** Text formats worth compressing; images such as PNG are compressed already. */
const compressible: ReadonlySet<string> = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest', '.txt']);
/** Below this size the headers cost more than compression saves. */
const minBytes = 1024;

async function* filesUnder(folder: string): AsyncGenerator<string> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* filesUnder(full);
    } else if (entry.isFile()) {
      yield full;
    }
  }
}

let written = 0;
for await (const file of filesUnder(webRoot)) {
  if (!compressible.has(path.extname(file)) || (await stat(file)).size < minBytes) {
    continue;
  }
  const content = await readFile(file);
  const brotli = brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } });
  const gzip = gzipSync(content, { level: 9 });
  await writeFile(`${file}.br`, brotli);
  await writeFile(`${file}.gz`, gzip);
  written += 1;
}
console.log(`compressed ${written} files in ${path.relative(process.cwd(), webRoot) || webRoot}`);
