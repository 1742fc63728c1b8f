/**
 * The built-in front and nginx side by side, in front of one hub: HTTPS requests per second to
 * /api/health (Debian's wrk) and websocket relay latency from the radio pty to N clients.
 *
 *   node --import tsx bench/front-compare.ts --rate 500 --clients 100 --seconds 20
 *
 * Run `npm run build` first. Needs /usr/sbin/nginx and wrk (Debian packages nginx and wrk).
 * docs/benchmarks.md records the method and results.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { grantWorkerAccess, NginxServer } from '../test/support/nginx.js';
import { freePort, runGatehouse } from '../test/support/processes.js';
import { benchUser, GatehouseInstance } from './support/gatehouse-instance.js';
import { type ClientEndpoint, type LatencyClient, openClients } from './support/latency-clients.js';
import { summarizeLatency } from './support/latency-stats.js';
import { sendLines } from './support/line-sender.js';

interface CompareOptions {
  rate: number;
  clients: number;
  seconds: number;
  httpSeconds: number;
  connections: number;
}

function integerOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`invalid --${name} "${text}": expected an integer from ${min} to ${max}`);
  }
  return value;
}

function parseOptions(argv: string[]): CompareOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '500' },
      clients: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '20' },
      'http-seconds': { type: 'string', default: '10' },
      connections: { type: 'string', default: '20' },
    },
  });
  return {
    rate: integerOption('rate', values.rate, 1, 5000),
    clients: integerOption('clients', values.clients, 1, 1000),
    seconds: integerOption('seconds', values.seconds, 1, 600),
    httpSeconds: integerOption('http-seconds', values['http-seconds'], 1, 600),
    connections: integerOption('connections', values.connections, 1, 1000),
  };
}

const authorization = `Basic ${Buffer.from(`${benchUser.name}:${benchUser.password}`).toString('base64')}`;

/** Run wrk against /api/health; returns requests per second and the count of non-2xx responses. */
function measureRequests(port: number, options: CompareOptions): { requestsPerSecond: number; non2xx: number } {
  const args = ['-t2', `-c${options.connections}`, `-d${options.httpSeconds}s`, '-H', `Authorization: ${authorization}`, `https://127.0.0.1:${port}/api/health`];
  const result = spawnSync('wrk', args, { encoding: 'utf8', timeout: (options.httpSeconds + 30) * 1000 });
  if (result.status !== 0) {
    throw new Error(`wrk failed with exit code ${String(result.status)}: ${result.stderr}`);
  }
  const requestsPerSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(result.stdout)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(result.stdout)?.[1] ?? 0);
  return { requestsPerSecond, non2xx };
}

/** Open the clients on one endpoint, write the lines, and summarize the latency. */
async function measureLatency(instance: GatehouseInstance, endpoint: ClientEndpoint, options: CompareOptions, firstNodeId: number) {
  const lineCount = options.rate * options.seconds;
  const nodeIds = [firstNodeId, firstNodeId + 1, firstNodeId + 2, firstNodeId + 3];
  const signal = new AbortController().signal;
  let clients: LatencyClient[] = [];
  try {
    clients = await openClients(endpoint, options.clients, lineCount);
    await sendLines(instance.radio, { rate: options.rate, count: options.rate * 2, nodeIds: nodeIds.map((id) => id + 500), token: 'WARMUP', signal });
    const sent = await sendLines(instance.radio, { rate: options.rate, count: lineCount, nodeIds, token: 'SEQ', signal });
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline && clients.some((client) => client.receivedCount < sent.linesSent)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return summarizeLatency(clients, sent.writtenAt, sent.linesSent);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

async function startNginx(instance: GatehouseInstance): Promise<{ nginx: NginxServer; port: number }> {
  const ports = { http: await freePort(), https: await freePort() };
  const configFile = path.join(instance.dir, 'nginx.yaml');
  const yaml = `dataDir: ${instance.dataDir}\nfront:\n  listenAddress: 127.0.0.1\n  httpPort: ${ports.http}\n  httpsPort: ${ports.https}\nhub:\n  port: ${instance.ports.hub}\n`;
  await writeFile(configFile, yaml);
  const printed = await runGatehouse(['nginx-config', '--config', configFile, '--server-name', '127.0.0.1']);
  if (printed.code !== 0) {
    throw new Error(`gatehouse nginx-config failed: ${printed.stderr}`);
  }
  await grantWorkerAccess([instance.dir, instance.dataDir], path.join(instance.dataDir, 'users.htpasswd'));
  const nginx = new NginxServer({ dir: path.join(instance.dir, 'nginx'), site: printed.stdout, ports: [ports.http, ports.https], workers: 'auto' });
  await nginx.writeConfig();
  await nginx.start();
  return { nginx, port: ports.https };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const instance = await GatehouseInstance.start();
  let nginx: NginxServer | null = null;
  try {
    const started = await startNginx(instance);
    nginx = started.nginx;
    const fronts = { builtIn: instance.ports.https, nginx: started.port };

    const rows = [];
    for (const [name, port] of Object.entries(fronts)) {
      const http = measureRequests(port, options);
      const endpoint = { url: `wss://127.0.0.1:${port}/ws`, headers: { authorization, origin: `https://127.0.0.1:${port}` }, ca: instance.ca };
      const latency = await measureLatency(instance, endpoint, options, name === 'nginx' ? 60 : 40);
      rows.push({ front: name, ...http, p50Ms: latency.p50Ms, p99Ms: latency.p99Ms, maxMs: latency.maxMs, missing: latency.missing });
    }
    console.table(rows);
    console.log(JSON.stringify({ benchmark: 'front-compare', date: new Date().toISOString(), node: process.version, options, rows }));
  } finally {
    await nginx?.stop();
    await instance.stop();
  }
}

try {
  await main();
} catch (error) {
  console.error('bench: the front comparison failed:', error);
  process.exitCode = 1;
}
