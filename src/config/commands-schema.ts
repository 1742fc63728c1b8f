import { z } from 'zod';

/** `commands:` what happens to commands and requests that cannot go out at once. */
export const commandsSchema = z.strictObject({
  /** Direct sends issued while the link is down wait this long for it to reopen, then expire. */
  queueTtlSeconds: z.int().min(0).max(3600).default(60),
  /** Most direct sends waiting per radio gateway; beyond it a new one is refused. 0 refuses at once. */
  queueMaxCommands: z.int().min(0).max(1000).default(50),
  /** Minutes a request for a sleeping node stays pending before it times out. */
  requestTimeoutMinutes: z.int().min(1).max(10_080).default(1440),
});
export type CommandsConfig = z.infer<typeof commandsSchema>;
