import { SerialPort } from 'serialport';

import { type Finding, finding } from './finding.js';

/** Results of stat(2) and access(2) on radio.port. */
export interface DeviceInfo {
  path: string;
  /** Config key that names the device, such as `radio.port` or `radio.1.port`. Default `radio.port`. */
  key?: string;
  /** Errno code of stat(2) on the path (symlinks followed), or null when it succeeded. */
  statError: string | null;
  isCharacterDevice: boolean;
  /** Errno code of access(2) for reading and writing, or null when both are allowed. */
  accessError: string | null;
  /** Group that owns the device, such as `dialout`, or null when unknown. */
  groupName: string | null;
  userName: string;
}

/**
 * Judges whether radio.port is a character device this user may read and write. Returns the
 * finding and whether the port is worth opening.
 */
export function judgeDevice(device: DeviceInfo): { finding: Finding; usable: boolean } {
  const subject = `${device.key ?? 'radio.port'} ${device.path}`;
  if (device.statError === 'ENOENT' || device.statError === 'ENOTDIR') {
    return {
      finding: finding('fail', 'serial.device', subject, 'does not exist', 'check the cable and the board, list the adapters with `ls /dev/serial/by-id/`, and set radio.port to one of them'),
      usable: false,
    };
  }
  if (device.statError !== null) {
    return { finding: finding('fail', 'serial.device', subject, `cannot stat it (${device.statError})`, 'check the path in radio.port'), usable: false };
  }
  if (!device.isCharacterDevice) {
    return {
      finding: finding('fail', 'serial.device', subject, 'is not a character device, so not a serial port', 'set radio.port to a serial device; `ls /dev/serial/by-id/` lists the adapters'),
      usable: false,
    };
  }
  if (device.accessError !== null) {
    const group = device.groupName ?? 'dialout';
    return {
      finding: finding(
        'fail',
        'serial.device',
        subject,
        `this user (${device.userName}) may not read and write it (${device.accessError})`,
        `run \`sudo usermod -aG ${group} ${device.userName}\` and log in again, or set SupplementaryGroups=${group} in the systemd unit`,
      ),
      usable: false,
    };
  }
  return { finding: finding('ok', 'serial.device', subject, 'a character device this user may read and write'), usable: true };
}

/** Outcome of reading the port for a while. */
export type SerialReadResult = { kind: 'data'; bytes: Buffer } | { kind: 'busy'; message: string } | { kind: 'error'; message: string };

/**
 * Opens the port with an exclusive lock, reads for `durationMs` and closes it. A port that a running
 * hub holds fails the lock, which is reported as `busy` rather than read behind the hub's back.
 */
export async function readSerialPort(path: string, baudRate: number, durationMs: number): Promise<SerialReadResult> {
  const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true });
  port.on('error', () => undefined);
  const chunks: Buffer[] = [];

  const opened = await new Promise<Error | null>((resolve) => port.open((error) => resolve(error ?? null)));
  if (opened !== null) {
    port.removeAllListeners();
    // serialport reports a failed flock(2) only by message, without an errno code.
    const busy = /lock|resource temporarily unavailable|busy/i.test(opened.message);
    return busy ? { kind: 'busy', message: opened.message } : { kind: 'error', message: opened.message };
  }

  port.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  await new Promise<void>((resolve) => port.close(() => resolve()));
  port.removeAllListeners();
  return { kind: 'data', bytes: Buffer.concat(chunks) };
}

/** Judges a port that could not be opened or read. */
export function judgeReadFailure(result: Exclude<SerialReadResult, { kind: 'data' }>, path: string): Finding {
  const subject = `radio gateway data on ${path}`;
  if (result.kind === 'busy') {
    return finding('ok', 'serial.data', subject, 'not read: another process holds the port (fine if the hub is running; its /api/health shows the link)');
  }
  return finding('fail', 'serial.data', subject, `cannot open it: ${result.message}`, 'check radio.port, and unplug and replug the adapter');
}
