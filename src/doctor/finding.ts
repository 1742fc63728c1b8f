/** Outcome of one check: `fail` stops Gatehouse from working, `warn` may, `ok` is fine. */
export type FindingStatus = 'ok' | 'warn' | 'fail';

/** One line of the doctor's report. */
export interface Finding {
  status: FindingStatus;
  /** Stable id of the check, such as `serial.device`, for scripts that grep the output. */
  id: string;
  /** Checked item, such as `front.httpsPort 443 on 0.0.0.0`. */
  subject: string;
  /** Observed state, such as `in use` or `does not exist`. */
  found: string;
  /** A command to run or a config key to change, or null when nothing needs doing. */
  fix: string | null;
}

/** Creates a finding. Leave `fix` out when nothing needs doing. */
export function finding(status: FindingStatus, id: string, subject: string, found: string, fix: string | null = null): Finding {
  return { status, id, subject, found, fix };
}

/** Exit codes of `gatehouse doctor`, the same numbers as the rest of the command line. */
export const doctorExitCodes = { healthy: 0, failed: 1, invalidConfig: 2 } as const;

/** Returns 1 when any finding failed, else 0. Warnings alone do not fail the run. */
export function exitCodeOf(findings: readonly Finding[]): number {
  return findings.some((item) => item.status === 'fail') ? doctorExitCodes.failed : doctorExitCodes.healthy;
}

const idColumnWidth = 21;

/** Formats one finding as `STATUS ID SUBJECT: FOUND -- fix: FIX` on one line. */
export function formatFinding(item: Finding): string {
  const fix = item.fix === null ? '' : ` -- fix: ${item.fix}`;
  const text = `${item.status.padEnd(5)}${item.id.padEnd(idColumnWidth)} ${item.subject}: ${item.found}${fix}`;
  // A finding may quote a config value or a device's bytes, so line breaks are flattened to keep one line per finding.
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Formats the summary printed after the findings, such as `doctor: 9 ok, 2 warn, 1 fail`. */
export function formatSummary(findings: readonly Finding[]): string {
  const count = (status: FindingStatus): number => findings.filter((item) => item.status === status).length;
  return `doctor: ${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail`;
}
