import { z } from 'zod';

const portRange = 'expected a TCP port number from 1 to 65535';
const port = z.int({ error: portRange }).min(1, { error: portRange }).max(65535, { error: portRange });

/** Baud rates a serial radio gateway is commonly built for; anything else is a typo. */
export const baudRates = [9600, 19200, 38400, 57600, 115200, 230400, 250000, 500000, 1000000] as const;

const frontSchema = z
  .strictObject({
    /**
     * Address the two front listeners bind to. The front is the only process meant to face the
     * network, so the default is every IPv4 address; use 127.0.0.1 behind another proxy.
     */
    listenAddress: z.union([z.ipv4(), z.ipv6()]).default('0.0.0.0'),
    httpPort: port.default(80),
    httpsPort: port.default(443),
    /** PEM certificate and key; when both are absent a self-signed pair is made in dataDir/tls. */
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
  })
  .refine((front) => front.httpPort !== front.httpsPort, {
    message: 'front.httpPort and front.httpsPort must differ',
    path: ['httpsPort'],
  })
  .refine((front) => (front.certFile === undefined) === (front.keyFile === undefined), {
    message: 'set both front.certFile and front.keyFile, or neither (then a self-signed pair is generated)',
    path: ['certFile'],
  });

const hubSchema = z.strictObject({
  /** TCP port on 127.0.0.1. There is deliberately no address key: the hub only ever binds loopback. */
  port: port.default(8080),
  /** Seconds between websocket pings; below the 60 s idle timeout of common proxies (nginx). */
  pingIntervalSeconds: z.int().min(5).max(300).default(30),
});

const radioSchema = z.strictObject({
  /** Serial device path, such as /dev/ttyAMA0 or /dev/serial/by-id/usb-...-if00-port0. */
  port: z.string().min(1).default('/dev/ttyAMA0'),
  baudRate: z.literal(baudRates).default(115200),
  dialect: z.enum(['moteino']).default('moteino'),
  /** Node id of the radio gateway itself; commands may not target it. */
  gatewayId: z.int().min(1).max(1023).default(1),
});

const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const configSchema = z.strictObject({
  /** Folder for the TLS files, proxy secret and users files; relative paths are resolved against the config file's folder. */
  dataDir: z.string().min(1).default('./data'),
  front: frontSchema.default(() => frontSchema.parse({})),
  hub: hubSchema.default(() => hubSchema.parse({})),
  radio: radioSchema.default(() => radioSchema.parse({})),
  log: logSchema.default(() => logSchema.parse({})),
});

export type Config = z.infer<typeof configSchema>;
