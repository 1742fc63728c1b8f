export { checkConfig, type ConfigOutcome } from './config-check.js';
export { doctorExitCodes, exitCodeOf, formatFinding, formatSummary, type Finding, type FindingStatus } from './finding.js';
export { runChecks, type DoctorOptions } from './run-doctor.js';
