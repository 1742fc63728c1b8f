/**
 * Websocket latency benchmark: the time from a line written to the radio gateway's pseudo-terminal
 * to the matching `node` update arriving at each of N websocket clients.
 *
 *   node --import tsx bench/latency.ts --rate 500 --clients 100 --seconds 20
 *
 * It starts the built `gatehouse hub` and `gatehouse front` (run `npm run build` first), connects the
 * clients through the front and writes `[<id>] SEQ:<n> SS:-60` lines at a fixed rate. The clients
 * run in this process, so on a small machine they compete with front and hub for the same cores.
 * docs/benchmarks.md describes the output and records results.
 */
import { request } from 'node:https';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { benchUser, GatehouseInstance } from './support/gatehouse-instance.js';
import { type ClientEndpoint, type LatencyClient, openClients } from './support/latency-clients.js';
import { summarizeLatency, percentile } from './support/latency-stats.js';
import { sendLines } from './support/line-sender.js';
import { ProcessSampler } from './support/process-sampler.js';
import { formatTable, type LatencyResult } from './support/report.js';

interface BenchOptions {
  rate: number;
  clients: number;
  seconds: number;
  nodes: number;
  warmupSeconds: number;
  drainSeconds: number;
  target: 'front' | 'hub';
  cpuProfileDir: string | undefined;
}

const usage = `usage: node --import tsx bench/latency.ts [options]
  --rate N            lines per second written to the radio pty, 1 to 5000 (default 500)
  --clients N         websocket clients, 1 to 1000 (default 100)
  --seconds N         length of the measured run in seconds, 1 to 600 (default 20)
  --nodes N           distinct node ids the lines rotate through, 1 to 50 (default 4)
  --warmup-seconds N  unmeasured lines at the same rate before the run, 0 to 60 (default 2)
  --drain-seconds N   time after the last line to wait for missing updates, 1 to 60 (default 5)
  --target front|hub  front: wss through the front (default); hub: plain ws straight to the hub,
                      to measure what the front adds (diagnostic)
  --cpu-prof DIR      run front and hub with node --cpu-prof, writing front.cpuprofile and
                      hub.cpuprofile into DIR`;

/** First node id of the measured lines. Warm-up lines use other ids, so their updates carry no seq. */
const firstNodeId = 40;
const firstWarmupNodeId = 900;

const loopDelayResolutionMs = 1;

/** Largest number of measured updates, which keeps the receive-time arrays under about 400 MB. */
const maxMeasuredUpdates = 25_000_000;

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '500' },
      clients: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '20' },
      nodes: { type: 'string', default: '4' },
      'warmup-seconds': { type: 'string', default: '2' },
      'drain-seconds': { type: 'string', default: '5' },
      target: { type: 'string', default: 'front' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const target = values.target;
  if (target !== 'front' && target !== 'hub') {
    throw new UsageError(`invalid --target "${target}": expected front or hub`);
  }
  const rate = integerOption('rate', values.rate, 1, 5000);
  const clients = integerOption('clients', values.clients, 1, 1000);
  const seconds = integerOption('seconds', values.seconds, 1, 600);
  // Each (client, line) pair takes 8 bytes for its receive time and 8 more while sorting.
  if (rate * seconds * clients > maxMeasuredUpdates) {
    throw new UsageError(`--rate times --seconds times --clients is ${rate * seconds * clients}: keep it at most ${maxMeasuredUpdates}`);
  }
  return {
    rate,
    clients,
    seconds,
    nodes: integerOption('nodes', values.nodes, 1, 50),
    warmupSeconds: integerOption('warmup-seconds', values['warmup-seconds'], 0, 60),
    drainSeconds: integerOption('drain-seconds', values['drain-seconds'], 1, 60),
    target,
    cpuProfileDir: values['cpu-prof'],
  };
}

class UsageError extends Error {}

function integerOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`invalid --${name} "${text}": expected an integer from ${min} to ${max}`);
  }
  return value;
}

async function endpointFor(instance: GatehouseInstance, target: BenchOptions['target']): Promise<ClientEndpoint> {
  if (target === 'hub') {
    // The headers the front adds to a proxied upgrade (src/auth/proxy-headers.ts).
    const headers = { 'x-gatehouse-secret': await instance.proxySecret(), 'x-gatehouse-user': benchUser.name, 'x-gatehouse-client': '127.0.0.1' };
    return { url: `ws://127.0.0.1:${instance.ports.hub}/ws`, headers };
  }
  const authorization = `Basic ${Buffer.from(`${benchUser.name}:${benchUser.password}`).toString('base64')}`;
  return { url: `wss://127.0.0.1:${instance.ports.https}/ws`, headers: { authorization, origin: instance.origin }, ca: instance.ca };
}

/** Wait until every client has every update, the drain time has passed, or the signal aborts. */
async function waitForDelivery(clients: readonly LatencyClient[], linesSent: number, drainMs: number, signal: AbortSignal): Promise<void> {
  const expected = clients.length * linesSent;
  const deadline = performance.now() + drainMs;
  while (!signal.aborted && performance.now() < deadline) {
    const received = clients.reduce((total, client) => total + Math.min(client.receivedCount, linesSent), 0);
    if (received >= expected) {
      return;
    }
    await delay(20);
  }
}

/** Read the hub's link counters through the front, as a user would. Returns nulls when the request fails. */
async function readHubLink(instance: GatehouseInstance): Promise<LatencyResult['hubLink']> {
  const authorization = `Basic ${Buffer.from(`${benchUser.name}:${benchUser.password}`).toString('base64')}`;
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: instance.ports.https, path: '/api/health', headers: { authorization }, ca: instance.ca, timeout: 5000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('timeout', () => req.destroy(new Error('GET /api/health timed out after 5 s')));
      req.on('error', reject);
      req.end();
    });
    const health = JSON.parse(body) as { links?: Array<{ linesRead?: number; dropped?: Record<string, number> }> };
    const link = health.links?.[0];
    const dropped = link?.dropped === undefined ? null : Object.values(link.dropped).reduce((total, count) => total + count, 0);
    return { linesRead: link?.linesRead ?? null, dropped };
  } catch (error) {
    console.error(`bench: reading /api/health failed: ${(error as Error).message}`);
    return { linesRead: null, dropped: null };
  }
}

/**
 * Convert a sample of monitorEventLoopDelay (ns) to the delay in ms. Node 20 records the whole
 * interval between its timer's runs, so an idle loop reads about the 1 ms resolution, which is subtracted.
 */
function loopDelayMs(nanoseconds: number): number {
  return Math.max(0, nanoseconds / 1e6 - loopDelayResolutionMs);
}

/** Count pino JSON log lines at level warn (40) or above. */
function countWarnings(lines: readonly string[]): number {
  return lines.filter((line) => {
    const level = /"level":(\d+)/.exec(line)?.[1];
    return level !== undefined && Number(level) >= 40;
  }).length;
}

function nodeIdsFrom(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => first + index);
}

async function run(options: BenchOptions, signal: AbortSignal): Promise<LatencyResult> {
  const lineCount = options.rate * options.seconds;
  const instance = await GatehouseInstance.start(options.cpuProfileDir === undefined ? {} : { cpuProfileDir: options.cpuProfileDir });
  let clients: LatencyClient[] = [];
  let sampler: ProcessSampler | null = null;
  const loopDelay = monitorEventLoopDelay({ resolution: loopDelayResolutionMs });
  try {
    clients = await openClients(await endpointFor(instance, options.target), options.clients, lineCount);

    const warmup = { rate: options.rate, count: options.rate * options.warmupSeconds, nodeIds: nodeIdsFrom(firstWarmupNodeId, options.nodes), token: 'WARMUP', signal };
    await sendLines(instance.radio, warmup);

    const pids = { front: instance.front?.child.pid, hub: instance.hub?.child.pid, socat: instance.radio.socatPid, bench: process.pid };
    sampler = new ProcessSampler(Object.fromEntries(Object.entries(pids).filter((entry): entry is [string, number] => typeof entry[1] === 'number')));
    sampler.start();
    loopDelay.enable();
    const sent = await sendLines(instance.radio, { rate: options.rate, count: lineCount, nodeIds: nodeIdsFrom(firstNodeId, options.nodes), token: 'SEQ', signal });
    await waitForDelivery(clients, sent.linesSent, options.drainSeconds * 1000, signal);
    loopDelay.disable();
    sampler.stop();

    const summary = summarizeLatency(clients, sent.writtenAt, sent.linesSent);
    const lag = sent.lagMs.subarray(0, sent.linesSent).slice().sort();
    const { p50Ms, p99Ms, maxMs, meanMs, ...updates } = summary;
    return {
      benchmark: 'latency',
      date: new Date().toISOString(),
      node: process.version,
      target: options.target,
      rate: options.rate,
      clients: options.clients,
      seconds: options.seconds,
      nodes: options.nodes,
      linesSent: sent.linesSent,
      updates,
      latencyMs: { p50: p50Ms, p99: p99Ms, max: maxMs, mean: meanMs },
      sendLagMs: { p99: percentile(lag, 0.99), max: lag[lag.length - 1] ?? Number.NaN },
      benchLoopDelayMs: { p99: loopDelayMs(loopDelay.percentile(99)), max: loopDelayMs(loopDelay.max) },
      rssMiB: { front: sampler.rss('front'), hub: sampler.rss('hub') },
      cpuPercent: { front: sampler.cpuPercent('front'), hub: sampler.cpuPercent('hub'), socat: sampler.cpuPercent('socat'), bench: sampler.cpuPercent('bench') },
      hubLink: await readHubLink(instance),
      logWarnings: { front: countWarnings(instance.front?.lines ?? []), hub: countWarnings(instance.hub?.lines ?? []) },
    };
  } finally {
    loopDelay.disable();
    sampler?.stop();
    await Promise.all(clients.map((client) => client.close()));
    await instance.stop();
  }
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n${usage}`);
    process.exitCode = 2;
    return;
  }

  // Ctrl-C ends the run early, and run() still closes the clients and stops every process it started.
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());

  let result: LatencyResult;
  try {
    result = await run(options, abort.signal);
  } catch (error) {
    // Ctrl-C also reaches socat, front and hub, so a write can fail with EIO before the run stops.
    if (!abort.signal.aborted) {
      throw error;
    }
    console.error('bench: interrupted. The clients, front, hub and socat are stopped.');
    process.exitCode = 130;
    return;
  }
  console.log(formatTable(result));
  if (result.updates.missing > 0) {
    console.log(`warning: ${result.updates.missing} updates did not arrive within ${options.drainSeconds} s of the last line`);
  }
  console.log(JSON.stringify(result));
}

try {
  await main();
} catch (error) {
  console.error('bench: the latency run failed:', error);
  process.exitCode = 1;
}
