import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type Command, type Option } from 'commander';

import { ensureDataDir, loadOrCreateProxySecret, usersFilePath } from '../auth/index.js';
import { loadConfig } from '../config/index.js';
import { renderNginxSite } from '../deploy/nginx/index.js';
import { GatehouseError } from '../errors/index.js';
import { securityHeaders } from '../front/security-headers.js';
import { createLogger } from '../log/logger.js';
import { ensureCertificate } from '../tls/index.js';
import { collectSubjectNames } from '../tls/subject-names.js';

/** The built web UI: dist/web beside dist/server, where `npm run build` puts it. */
const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));

interface NginxCommandOptions {
  config?: string;
  serverName: string[];
}

/** `gatehouse nginx-config`: print an nginx site that replaces `gatehouse front`. */
export function registerNginxCommand(program: Command, configOption: Option): void {
  program
    .command('nginx-config')
    .description('print an nginx site config that does the job of `gatehouse front` (the output contains the proxy secret: store it with mode 0600)')
    .addOption(configOption)
    .option(
      '--server-name <name>',
      'host name or IP address the site serves; repeat for more (default: the hosts of front.publicOrigins, localhost, this host\'s name and addresses)',
      (name: string, names: string[]) => [...names, name],
      [],
    )
    .action(async (options: NginxCommandOptions) => {
      process.stdout.write(await nginxConfigText(options));
    });
}

/**
 * Builds the site text for the config's data directory and ports. Creates the proxy secret and,
 * without front.certFile, the self-signed certificate when they are missing, because without
 * `gatehouse front` nothing else would create them.
 */
async function nginxConfigText(options: NginxCommandOptions): Promise<string> {
  const { config, dataDir, file } = loadConfig(options.config);
  // Relative paths in the config file are resolved against the file's folder, as dataDir is.
  const configDir = file === null ? process.cwd() : path.dirname(file);
  await ensureDataDir(dataDir);

  const logger = createLogger({ level: 'warn', destination: process.stderr }, { process: 'nginx-config' });
  const certificate = await ensureCertificate({ dataDir, certFile: config.front.certFile, keyFile: config.front.keyFile, logger });
  if (certificate.generated) {
    process.stderr.write(`gatehouse: generated a self-signed certificate in ${path.dirname(certificate.certFile)}\n`);
  }

  const usersFile = usersFilePath(dataDir);
  if (!existsSync(usersFile)) {
    process.stderr.write(`gatehouse: warning: ${usersFile} does not exist yet, so nginx lets nobody in; add a user with \`gatehouse user add\`\n`);
  }
  if (!existsSync(path.join(webRoot, 'index.html'))) {
    process.stderr.write(`gatehouse: warning: the web UI is not built in ${webRoot}; run \`npm run build\`\n`);
  }

  return renderNginxSite({
    listenAddress: config.front.listenAddress,
    httpPort: config.front.httpPort,
    httpsPort: config.front.httpsPort,
    serverNames: serverNames(options.serverName, config.front.publicOrigins),
    certFile: path.resolve(certificate.certFile),
    keyFile: path.resolve(certificate.keyFile),
    usersFile,
    webRoot: path.resolve(webRoot),
    acmeWebroot: config.front.acmeWebroot === undefined ? undefined : path.resolve(configDir, config.front.acmeWebroot),
    hubPort: config.hub.port,
    pingIntervalSeconds: config.hub.pingIntervalSeconds,
    proxySecret: await loadOrCreateProxySecret(dataDir),
    responseHeaders: securityHeaders,
    hstsMaxAgeSeconds: hstsMaxAge(config.front.hsts, certificate.cert, certificate.generated),
  });
}

/** Returns the hosts of front.publicOrigins plus the --server-name values, or plus the host's own names without them. */
function serverNames(requested: readonly string[], publicOrigins: readonly string[]): string[] {
  const publicHosts = publicOrigins.map((origin) => new URL(origin).hostname);
  if (requested.length > 0) {
    return [...publicHosts, ...requested];
  }
  const own = collectSubjectNames();
  return [...publicHosts, ...own.dnsNames, ...own.ipAddresses];
}

/**
 * Returns front.hsts.maxAgeSeconds when HSTS is on. Throws CONFIG_INVALID for HSTS with a self-signed
 * certificate, because a browser that has seen HSTS does not let its user accept a replaced
 * self-signed certificate (RFC 6797 section 12.1).
 */
function hstsMaxAge(hsts: { enabled: boolean; maxAgeSeconds: number }, cert: string, generated: boolean): number | undefined {
  if (!hsts.enabled) {
    return undefined;
  }
  const certificate = new X509Certificate(cert);
  if (generated || certificate.checkIssued(certificate)) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      'front.hsts.enabled is true, but the certificate is self-signed; set front.certFile and front.keyFile to a certificate from a CA, or set front.hsts.enabled to false',
      { context: { key: 'front.hsts.enabled' } },
    );
  }
  return hsts.maxAgeSeconds;
}
