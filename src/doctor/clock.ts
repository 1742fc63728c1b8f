import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';

import { type Finding, finding } from './finding.js';

/** systemd-timesyncd creates this file once it has synchronized the clock (systemd-timesyncd.service(8)). */
export const timesyncFlagFile = '/run/systemd/timesync/synchronized';

/** Seconds before an unresponsive timedatectl is given up on. */
const timedatectlTimeoutMs = 5000;

const rtcReason = 'a Raspberry Pi has no real-time clock, so its time is wrong after boot until NTP sets it, and so are reading times and certificate checks';

/**
 * Judges clock synchronization from `timedatectl show -p NTPSynchronized --value` (null when it could
 * not run) and, as a fallback, whether the timesyncd flag file exists.
 */
export function judgeClock(timedatectlValue: string | null, flagFileExists: boolean): Finding {
  const subject = 'clock synchronization';
  const value = timedatectlValue?.trim();
  if (value === 'yes') {
    return finding('ok', 'clock', subject, 'synchronized by NTP (timedatectl)');
  }
  if (value === 'no') {
    return finding('warn', 'clock', subject, `not synchronized (timedatectl): ${rtcReason}`, 'run `sudo timedatectl set-ntp true` and check that the host reaches an NTP server');
  }
  if (flagFileExists) {
    return finding('ok', 'clock', subject, `synchronized by NTP (${timesyncFlagFile} exists)`);
  }
  return finding(
    'warn',
    'clock',
    subject,
    `cannot tell: timedatectl gave no answer and ${timesyncFlagFile} does not exist; ${rtcReason}`,
    'check your NTP client (`timedatectl`, `chronyc tracking`) and enable one if none runs',
  );
}

/** Runs timedatectl and reads the flag file; never rejects. */
export async function checkClock(): Promise<Finding> {
  const value = await new Promise<string | null>((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: timedatectlTimeoutMs }, (error, stdout) => {
      resolve(error === null ? stdout : null);
    });
  });
  const flagFileExists = await access(timesyncFlagFile).then(
    () => true,
    () => false,
  );
  return judgeClock(value, flagFileExists);
}
