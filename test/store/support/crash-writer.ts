// A child process for the crash test: appends readings with value = sequence number until killed,
// and prints "ack <n>" after each committed batch, meaning readings 0..n-1 are committed.
import { openHistoryDatabase } from '../../../src/store/open-history.js';
import { ReadingWriter } from '../../../src/store/reading-writer.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: crash-writer.ts DATA_DIR');

const { db } = await openHistoryDatabase(dataDir);
const writer = new ReadingWriter(db, {
  flushIntervalMs: 20,
  maxBatch: 300,
  onFlush: () => process.stdout.write(`ack ${writer.counters.written}\n`),
});

const start = Date.now();
let sequence = 0;
setInterval(() => {
  for (let i = 0; i < 50; i += 1, sequence += 1) {
    writer.append(1 + (sequence % 20), [{ name: 'seq', value: sequence, unit: null }], start + sequence);
  }
}, 2);
