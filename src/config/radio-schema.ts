import { z } from 'zod';

/** Baud rates a serial radio gateway is commonly built for; anything else is a typo. */
export const baudRates = [9600, 19200, 38400, 57600, 115200, 230400, 250000, 500000, 1000000] as const;

/** Line protocols the hub can speak with a radio gateway. */
export const dialects = ['moteino', 'mysensors'] as const;
export type Dialect = (typeof dialects)[number];

/**
 * Command line lengths of the LowPowerLab gateway sketches, without the LF: 24 characters on the
 * buffered sketch, 64 on the MightyHat. The firmware cuts a longer line and runs its rest as a second
 * command, so the hub rejects such commands before writing them.
 */
export const moteinoCommandLengths = [24, 64] as const;

const gatewayNamePattern = /^[a-z][a-z0-9-]{0,31}$/;
const tcpPortRange = 'expected a TCP port number from 1 to 65535';

/** A TCP endpoint parsed from `tcp://host:port`. */
export interface TcpEndpoint {
  host: string;
  port: number;
}

/**
 * Parses `tcp://host:port` (an IPv6 host in brackets) and returns null for anything else, including a
 * URL with a path, query, user name or a port outside 1..65535.
 */
export function parseTcpEndpoint(text: string): TcpEndpoint | null {
  if (!text.startsWith('tcp://')) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  // URL drops a default port and keeps an empty one, so the digits are checked on the text itself.
  const port = /:(\d{1,5})\/?$/.exec(text)?.[1];
  const noExtras = url.username === '' && url.password === '' && url.search === '' && url.hash === '' && (url.pathname === '' || url.pathname === '/');
  if (port === undefined || !noExtras || url.hostname === '') {
    return null;
  }
  const number = Number(port);
  if (number < 1 || number > 65535) {
    return null;
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: number };
}

const portSchema = z
  .string()
  .min(1)
  .refine((text) => !text.includes('://') || parseTcpEndpoint(text) !== null, {
    message: `expected a serial device path such as /dev/ttyUSB0 or a TCP address "tcp://host:port" (${tcpPortRange}, no path)`,
  });

/** One radio gateway: its link (a serial device or a TCP address) and the dialect it speaks. */
export const radioGatewaySchema = z.strictObject({
  /** Name shown in the UI and the link status; lower case letters, digits and '-'. */
  name: z
    .string()
    .regex(gatewayNamePattern, { message: 'expected a name of lower case letters, digits and "-", starting with a letter, such as "garage"' })
    .default('radio'),
  /** Serial device path, such as /dev/ttyAMA0 or /dev/serial/by-id/usb-...-if00-port0, or tcp://host:port. */
  port: portSchema.default('/dev/ttyAMA0'),
  baudRate: z.literal(baudRates).default(115200),
  dialect: z.enum(dialects).default('moteino'),
  /** Node id of the radio gateway itself (moteino); commands may not target it. */
  gatewayId: z.int().min(1).max(1023).default(1),
  /** Maximum command line length of the moteino firmware: 24 (buffered sketch) or 64 (MightyHat). */
  maxCommandLength: z.literal(moteinoCommandLengths).default(24),
  /** Seconds between I_VERSION probes of a mysensors gateway; silent for two intervals marks it as not responding. */
  probeIntervalSeconds: z.int().min(1).max(3600).default(30),
});
export type RadioGatewayConfig = z.infer<typeof radioGatewaySchema>;

/**
 * `radio:` is one gateway object or a list of them; either way it is a list after parsing. Names must
 * be unique because the link status, the live log and node.gateway name gateways by them.
 */
export const radioSchema = z
  .preprocess((value) => (isPlainObject(value) ? [value] : value), z.array(radioGatewaySchema).min(1, { message: 'expected at least one radio gateway' }))
  .superRefine((gateways, context) => {
    const seenNames = new Map<string, number>();
    const seenPorts = new Map<string, number>();
    gateways.forEach((gateway, index) => {
      const sameName = seenNames.get(gateway.name);
      if (sameName !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [index, 'name'],
          input: gateway.name,
          message: `duplicate radio gateway name, also used by radio.${sameName}; give each gateway its own name`,
        });
      }
      seenNames.set(gateway.name, index);
      const samePort = seenPorts.get(gateway.port);
      if (samePort !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [index, 'port'],
          input: gateway.port,
          message: `duplicate radio gateway port, also used by radio.${samePort}; one port serves one gateway`,
        });
      }
      seenPorts.set(gateway.port, index);
    });
  });
export type RadioConfig = z.infer<typeof radioSchema>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
