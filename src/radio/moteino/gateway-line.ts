import { parseNodeId, type NodeIdProblem } from './node-id.js';

/** A line the radio gateway board prints about itself (no `[id]` prefix). */
export type GatewayMessage =
  /** The board reset, so requests queued on it are gone. */
  | { type: 'start'; frequencyHz: number | null; detail: string }
  | { type: 'uptime'; uptimeMs: number }
  | { type: 'freeRam'; freeBytes: number; totalBytes: number | null }
  | { type: 'frequency'; frequencyHz: number }
  | { type: 'networkId'; networkId: number }
  /** The board printed its encryption key; the key itself is not kept. */
  | { type: 'encryptKey' }
  /** Result of the last direct send to a node. */
  | { type: 'ack'; ok: boolean }
  /** One entry of the board's queue of requests for sleeping nodes. */
  | { type: 'queuedRequest'; nodeId: number; name: string; value: string | null }
  | { type: 'debug'; text: string }
  /** Any other `NAME` or `NAME:value` line, such as `REQUESTQUEUE:VOID`. */
  | { type: 'other'; name: string; value: string | null };

export type GatewayLineResult =
  | { ok: true; message: GatewayMessage }
  | { ok: false; reason: 'badGatewayValue' | 'garbage' | NodeIdProblem };

const digitsPattern = /^\d+$/;
const otherLinePattern = /^([A-Z][A-Z0-9_]*)(?::(.*))?$/;
const encryptKeyPattern = /ENCRYPTKEY:\S*/g;

/** Decodes a gateway line. `line` is trimmed printable ASCII that does not start with `[`. */
export function decodeGatewayLine(line: string): GatewayLineResult {
  // The key is a secret of the radio network, so it is dropped before anything else reads the line.
  if (line.startsWith('ENCRYPTKEY')) {
    return { ok: true, message: { type: 'encryptKey' } };
  }
  if (line === 'GATEWAYSTART' || line.startsWith('GATEWAYSTART ')) {
    const detail = line.slice('GATEWAYSTART'.length).trim().replace(encryptKeyPattern, 'ENCRYPTKEY:[redacted]');
    const frequency = /(?:^|\s)SYSFREQ:(\d+)(?:\s|$)/.exec(detail)?.[1];
    return { ok: true, message: { type: 'start', frequencyHz: frequency === undefined ? null : Number(frequency), detail } };
  }

  const separator = line.indexOf(':');
  const name = separator === -1 ? line : line.slice(0, separator);
  const value = separator === -1 ? null : line.slice(separator + 1);

  switch (name) {
    case 'UPTIME':
      return ifDigits(value, (digits) => ({ type: 'uptime', uptimeMs: Number(digits) }));
    case 'SYSFREQ':
      return ifDigits(value, (digits) => ({ type: 'frequency', frequencyHz: Number(digits) }));
    case 'NETWORKID':
    case 'NETID':
      return ifDigits(value, (digits) => ({ type: 'networkId', networkId: Number(digits) }));
    case 'FREERAM':
      return decodeFreeRam(value ?? '');
    case 'ACK':
      if (value === 'OK' || value === 'NOK') {
        return { ok: true, message: { type: 'ack', ok: value === 'OK' } };
      }
      return { ok: false, reason: 'badGatewayValue' };
    case 'RQ':
      return decodeQueuedRequest(value ?? '');
    case 'DEBUG':
      return { ok: true, message: { type: 'debug', text: value ?? '' } };
    default:
      return decodeOtherLine(line);
  }
}

function ifDigits(value: string | null, build: (digits: string) => GatewayMessage): GatewayLineResult {
  if (value === null || !digitsPattern.test(value)) {
    return { ok: false, reason: 'badGatewayValue' };
  }
  return { ok: true, message: build(value) };
}

/** Decodes `FREERAM:<free>` or `FREERAM:<free>:<total>`, in bytes. */
function decodeFreeRam(value: string): GatewayLineResult {
  const [free, total, ...extra] = value.split(':');
  if (free === undefined || !digitsPattern.test(free) || extra.length > 0) {
    return { ok: false, reason: 'badGatewayValue' };
  }
  if (total !== undefined && !digitsPattern.test(total)) {
    return { ok: false, reason: 'badGatewayValue' };
  }
  return {
    ok: true,
    message: { type: 'freeRam', freeBytes: Number(free), totalBytes: total === undefined ? null : Number(total) },
  };
}

/** Decodes `RQ:<id>:<name>[:<value>]`, where the value may itself contain colons. */
function decodeQueuedRequest(value: string): GatewayLineResult {
  const parts = value.split(':');
  const [idText, name] = parts;
  if (idText === undefined || name === undefined || name.length === 0) {
    return { ok: false, reason: 'badGatewayValue' };
  }
  const id = parseNodeId(idText);
  if (!id.ok) {
    return { ok: false, reason: id.reason };
  }
  const requestValue = parts.length > 2 ? parts.slice(2).join(':') : null;
  return { ok: true, message: { type: 'queuedRequest', nodeId: id.nodeId, name, value: requestValue } };
}

function decodeOtherLine(line: string): GatewayLineResult {
  const match = otherLinePattern.exec(line);
  if (match === null) {
    return { ok: false, reason: 'garbage' };
  }
  return { ok: true, message: { type: 'other', name: match[1] ?? '', value: match[2] ?? null } };
}
