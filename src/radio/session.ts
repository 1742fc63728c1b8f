/** Services the hub gives a gateway session. */
export interface GatewaySessionContext {
  /** Writes one line to the radio gateway; rejects like RadioLink.writeLine. */
  write(line: string): Promise<void>;
  /** True while the link is open, so writes can succeed. */
  linkOpen(): boolean;
  /** Tells the hub that status() changed, so it sends the link status to clients. */
  statusChanged(): void;
}

/** A session's contribution to its gateway's link status. */
export interface GatewaySessionStatus {
  /** A problem to show in the link status, or null. */
  warning: string | null;
  /** Whether the gateway responds to the session's probes; null when unknown or not probed. */
  responding: boolean | null;
}

/**
 * The stateful side of a dialect, next to its pure codec. It reads every line of one gateway and may
 * reply with lines of its own, as a MySensors controller assigns ids and sends the time.
 */
export interface GatewaySession {
  start(context: GatewaySessionContext): Promise<void>;
  stop(): Promise<void>;
  onLine(line: string): void;
  /** The link changed state; a session may probe the gateway once it is open. */
  onLinkState(open: boolean): void;
  status(): GatewaySessionStatus;
}
