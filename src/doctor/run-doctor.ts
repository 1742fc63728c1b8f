import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';

import { proxySecretFilePath } from '../auth/data-dir.js';
import { type Dialect, type LoadedConfig, parseTcpEndpoint } from '../config/index.js';
import { checkCertificate, type CertificateFiles } from './certificate.js';
import { checkClock } from './clock.js';
import { judgeDataDirMode, judgeSecretFileMode, modeOf } from './data-dir-modes.js';
import { checkFreeSpace } from './disk-space.js';
import { type Finding } from './finding.js';
import { checkHubExposure } from './hub-exposure.js';
import { type ConfiguredPort, judgeBindPrivilege, judgePortBind, parseEffectiveCapabilities, probeBind } from './ports.js';
import { sampleSerialBytes, judgeSerialSample } from './serial-data.js';
import { type DeviceInfo, judgeDevice, judgeReadFailure, readSerialPort } from './serial-device.js';

/** Options of one doctor run. */
export interface DoctorOptions {
  /** How long to read from the radio gateway, in milliseconds. */
  serialReadMs: number;
}

/** Runs every check after the config one, in a fixed order, and returns their findings. */
export async function runChecks(loaded: LoadedConfig, options: DoctorOptions): Promise<Finding[]> {
  const { config, dataDir } = loaded;
  const findings: Finding[] = [];

  const ports: ConfiguredPort[] = [
    { key: 'front.httpPort', port: config.front.httpPort, address: config.front.listenAddress },
    { key: 'front.httpsPort', port: config.front.httpsPort, address: config.front.listenAddress },
    { key: 'hub.port', port: config.hub.port, address: '127.0.0.1' },
  ];
  for (const item of ports) {
    findings.push(judgePortBind(item, await probeBind(item.port, item.address)));
  }
  findings.push(
    judgeBindPrivilege(ports, {
      uid: process.getuid?.() ?? -1,
      effectiveCapabilities: parseEffectiveCapabilities((await readOptional('/proc/self/status')) ?? ''),
      unprivilegedPortStart: parseIntegerOrNull(await readOptional('/proc/sys/net/ipv4/ip_unprivileged_port_start')),
    }),
  );

  const certificateFiles = certificateFilesOf(loaded);
  const hostNames = [hostname(), ...config.front.publicOrigins.map((origin) => new URL(origin).hostname)];
  findings.push(...(await checkCertificate(certificateFiles, [...new Set(hostNames)], { readText: (file) => readFile(file, 'utf8'), now: () => new Date() })));

  for (const [index, gateway] of config.radio.entries()) {
    // A TCP gateway (ser2net, a MySensors ethernet gateway) has no device to check here.
    if (parseTcpEndpoint(gateway.port) === null) {
      const key = config.radio.length === 1 ? 'radio.port' : `radio.${index}.port`;
      findings.push(...(await checkSerial(key, gateway.port, gateway.baudRate, gateway.dialect, options.serialReadMs)));
    }
  }
  findings.push(await checkClock());
  findings.push(await checkFreeSpace(dataDir));
  findings.push(await checkHubExposure(config.hub.port));

  findings.push(judgeDataDirMode(dataDir, await modeOf(dataDir, 'directory')));
  const secretFile = proxySecretFilePath(dataDir);
  findings.push(judgeSecretFileMode('data-dir.secret', 'proxy secret', secretFile, await modeOf(secretFile, 'file')));
  findings.push(judgeSecretFileMode('data-dir.key', 'TLS private key', certificateFiles.keyFile, await modeOf(certificateFiles.keyFile, 'file')));
  return findings;
}

/** Returns the configured pair, or the generated one that `gatehouse front` keeps in `<dataDir>/tls/`. */
function certificateFilesOf(loaded: LoadedConfig): CertificateFiles {
  const { certFile, keyFile } = loaded.config.front;
  if (certFile !== undefined && keyFile !== undefined) {
    return { certFile, keyFile, generated: false };
  }
  const folder = path.join(loaded.dataDir, 'tls');
  return { certFile: path.join(folder, 'cert.pem'), keyFile: path.join(folder, 'key.pem'), generated: true };
}

async function checkSerial(key: string, devicePath: string, baudRate: number, dialect: Dialect, readMs: number): Promise<Finding[]> {
  const device = { ...(await describeDevice(devicePath)), key };
  const judged = judgeDevice(device);
  if (!judged.usable) {
    return [judged.finding];
  }
  const result = await readSerialPort(devicePath, baudRate, readMs);
  if (result.kind !== 'data') {
    return [judged.finding, judgeReadFailure(result, devicePath)];
  }
  return [judged.finding, judgeSerialSample(sampleSerialBytes(result.bytes, dialect), readMs / 1000, baudRate, dialect)];
}

async function describeDevice(devicePath: string): Promise<DeviceInfo> {
  const userName = userInfo().username;
  try {
    const stats = await stat(devicePath);
    const accessError = await access(devicePath, constants.R_OK | constants.W_OK).then(
      () => null,
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    const groups = await readOptional('/etc/group');
    return {
      path: devicePath,
      statError: null,
      isCharacterDevice: stats.isCharacterDevice(),
      accessError,
      groupName: groups === null ? null : groupNameOf(groups, stats.gid),
      userName,
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { path: devicePath, statError: code, isCharacterDevice: false, accessError: null, groupName: null, userName };
  }
}

/** Looks a group id up in the text of /etc/group (group(5): name:password:gid:members). */
export function groupNameOf(etcGroup: string, gid: number): string | null {
  for (const line of etcGroup.split('\n')) {
    const [name, , id] = line.split(':');
    if (name !== undefined && name !== '' && id === String(gid)) {
      return name;
    }
  }
  return null;
}

async function readOptional(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch(() => null);
}

function parseIntegerOrNull(text: string | null): number | null {
  const trimmed = text?.trim() ?? '';
  const value = Number(trimmed);
  return trimmed === '' || !Number.isInteger(value) ? null : value;
}
