// Measures lines per second through the built hub with history on: a socat pseudo-terminal feeds
// node lines as fast as it takes them, and the run ends when the hub's `history.written` counter in
// /api/health has every reading. Run `npm run build` first, then:
// node --import tsx bench/history-e2e.ts [lines] [nodes]
import { cpus } from 'node:os';
import { HistoryHub } from '../test/support/history-hub.js';
import { rssMibOf } from './support/process-sampler.js';

const lineCount = Number(process.argv[2] ?? 50_000);
const nodeCount = Number(process.argv[3] ?? 50);
/** Each line has temperature, humidity and battery, and its RSSI is a fourth reading. */
const readingsPerLine = 4;
const chunkLines = 200;

const hub = await HistoryHub.create(['enabled: true']);
try {
  await hub.start();
  const pid = hub.process?.child.pid ?? 0;
  const rssStart = rssMibOf(pid) ?? 0;
  let rssPeak = rssStart;
  const expected = lineCount * readingsPerLine;

  const started = performance.now();
  for (let sent = 0; sent < lineCount; sent += chunkLines) {
    const lines: string[] = [];
    for (let i = sent; i < Math.min(lineCount, sent + chunkLines); i += 1) {
      const node = 2 + (i % nodeCount);
      lines.push(`[${node}] F:${(600 + (i % 200)) / 10} H:${40 + (i % 30)}.5 BAT:3.${10 + (i % 80)}v SS:-${40 + (i % 50)}`);
    }
    await hub.radio.write(`${lines.join('\n')}\n`);
    if (sent % 5000 === 0) rssPeak = Math.max(rssPeak, rssMibOf(pid) ?? 0);
  }
  const sentSeconds = (performance.now() - started) / 1000;

  // Bounded wait: the hub must have written every reading within 120 s.
  let history = await hub.historyHealth();
  const deadline = Date.now() + 120_000;
  while (history.written < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    history = await hub.historyHealth();
    rssPeak = Math.max(rssPeak, rssMibOf(pid) ?? 0);
  }
  const seconds = (performance.now() - started) / 1000;
  const health = (await hub.request('/api/health')).json as { links: { linesRead: number; dropped: Record<string, number> }[]; history: Record<string, number> };

  console.log(
    JSON.stringify(
      {
        benchmark: 'history-e2e',
        date: new Date().toISOString(),
        node: process.version,
        cpu: cpus()[0]?.model ?? 'unknown',
        lines: lineCount,
        nodes: nodeCount,
        linesRead: health.links[0]?.linesRead,
        dropped: health.links[0]?.dropped,
        readingsWritten: history.written,
        readingsExpected: expected,
        sendSeconds: Number(sentSeconds.toFixed(2)),
        seconds: Number(seconds.toFixed(2)),
        linesPerSecond: Math.round(lineCount / seconds),
        readingsPerSecond: Math.round(history.written / seconds),
        history: health.history,
        hubRssMiB: { start: Number(rssStart.toFixed(1)), peak: Number(rssPeak.toFixed(1)) },
      },
      null,
      2,
    ),
  );
} finally {
  await hub.remove();
}
