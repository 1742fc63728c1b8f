import { z } from 'zod';
import { commandsSchema } from './commands-schema.js';
import { historySchema } from './history-schema.js';
import { checkNodeTypeReferences, nodesSchema, nodeTypesSchema } from './nodes-schema.js';
import { radioSchema } from './radio-schema.js';

export { baudRates } from './radio-schema.js';

const portRange = 'expected a TCP port number from 1 to 65535';
const port = z.int({ error: portRange }).min(1, { error: portRange }).max(65535, { error: portRange });


/** An https origin without path, query or fragment, such as https://home.example.org:8443. */
const httpsOrigin = z.string().refine(
  (text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'https:' && url.origin === text.replace(/\/$/, '') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  },
  { message: 'expected an https origin such as "https://home.example.org" or "https://home.example.org:8443" (no path)' },
);

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
    /**
     * Origins the site is reached at from outside, such as https://home.example.org. Websocket
     * upgrades and state-changing requests must come from one of these or from the host's own
     * names and addresses, and the redirect port redirects only to their hosts or the host's own.
     */
    publicOrigins: z.array(httpsOrigin).default([]),
    /** Peers (addresses or CIDR ranges) whose X-Forwarded-For and Forwarded headers are read. */
    trustedProxies: z
      .array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], { error: 'expected an IP address or a CIDR range such as 192.168.1.0/24' }))
      .default([]),
    /** Strict-Transport-Security; allowed only with a configured certificate, never a self-signed one. */
    hsts: z
      .strictObject({
        enabled: z.boolean().default(false),
        maxAgeSeconds: z.int().min(300).max(63_072_000).default(31_536_000),
      })
      .default({ enabled: false, maxAgeSeconds: 31_536_000 }),
    /** Folder whose .well-known/acme-challenge/ files the redirect port serves, for certbot's webroot mode. */
    acmeWebroot: z.string().min(1).optional(),
    session: z
      .strictObject({
        /** Minutes without a request after which a session cookie stops working. */
        idleMinutes: z.int().min(1).max(1440).default(60),
        /** Hours after login after which a session cookie stops working, however active. */
        absoluteHours: z.int().min(1).max(720).default(24),
      })
      .default({ idleMinutes: 60, absoluteHours: 24 }),
    loginLimits: z
      .strictObject({
        /** Failed logins per client address or user name before responses are delayed. */
        freeFailures: z.int().min(1).max(100).default(5),
        /** Longest delay, in seconds, that repeated failures can reach. */
        maxDelaySeconds: z.int().min(1).max(3600).default(60),
        /** Minutes after which a failure is forgotten, so no lockout is permanent. */
        windowMinutes: z.int().min(1).max(1440).default(15),
      })
      .default({ freeFailures: 5, maxDelaySeconds: 60, windowMinutes: 15 }),
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

const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const configSchema = z.strictObject({
  /** Folder for the TLS files, proxy secret and users files; relative paths are resolved against the config file's folder. */
  dataDir: z.string().min(1).default('./data'),
  front: frontSchema.default(() => frontSchema.parse({})),
  hub: hubSchema.default(() => hubSchema.parse({})),
  /** One radio gateway object or a list of them, normalised to a list. */
  radio: radioSchema.default(() => radioSchema.parse({})),
  nodeTypes: nodeTypesSchema.default({}),
  nodes: nodesSchema.default({}),
  commands: commandsSchema.default(() => commandsSchema.parse({})),
  history: historySchema.default(() => historySchema.parse({})),
  log: logSchema.default(() => logSchema.parse({})),
}).superRefine(checkNodeTypeReferences);

export type Config = z.infer<typeof configSchema>;
