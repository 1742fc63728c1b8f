import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object. Credentials travel in
 * these headers and fields; the proxy secret header is ours.
 */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-gatehouse-secret"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-gatehouse-secret"]',
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
];

export interface LoggerSettings {
  level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to assert on log lines. */
  destination?: NodeJS.WritableStream;
}

/** Create the root logger of a process; components take `logger.child({ component })`. */
export function createLogger(settings: LoggerSettings, bindings: Record<string, unknown> = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { pid: process.pid, ...bindings },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const destination = settings.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(options, destination as pino.DestinationStream);
}
