import { readFileSync } from 'node:fs';

/** Reads a sample file of test/fixtures/serial/ as the bytes a radio gateway sends: one LF-terminated line per sample. */
export function readSampleStream(name: 'moteino-samples.txt' | 'mysensors-samples.txt', filter: (line: string) => boolean = () => true): Buffer {
  const text = readFileSync(new URL(`../fixtures/serial/${name}`, import.meta.url), 'utf8');
  const samples = text.split('\n').filter((line) => line.length > 0 && !line.startsWith('#') && filter(line));
  // The files write bytes that cannot live in text as \xNN, \r and \t.
  const unescaped = samples.map((line) =>
    line.replace(/\\x([0-9a-fA-F]{2})|\\r|\\t/g, (escape, hex: string | undefined) => {
      if (hex !== undefined) {
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      return escape === '\\r' ? '\r' : '\t';
    }),
  );
  return Buffer.from(unescaped.map((line) => `${line}\n`).join(''), 'latin1');
}

/** Node packets with an RSSI tail: the lines a healthy radio gateway sends most. */
export function isRealisticPacket(line: string): boolean {
  return /^\[\d+\] .*(SS:-\d+|\[RSSI:-\d+\])/.test(line) && !line.includes('\\x');
}
