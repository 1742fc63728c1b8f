export { auditFilePath, auditFolderPath } from './audit-files.js';
export { type AuditLog, type AuditLogOptions, type AuditLogStats, createAuditLog, defaultKeepFiles, defaultMaxFileBytes } from './audit-log.js';
export { type AuditQuery, maxAuditQueryLimit, queryAudit } from './audit-query.js';
export { auditEventKinds, auditEventSchema, auditSources } from './event-schema.js';
export type { AuditEvent, AuditEventKind, AuditRecorder } from './types.js';
