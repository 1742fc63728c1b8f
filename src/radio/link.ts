import type { LinkStatus } from '../protocol/index.js';

/** A link's status as the link reports it. The hub adds the radio gateway's name and dialect. */
export type LinkOwnStatus = Omit<LinkStatus, 'gateway' | 'dialect' | 'responding'>;

/** Events a radio link emits. */
export interface RadioLinkEvents {
  /** One framed line from the radio gateway: no terminator, CR and NUL stripped. */
  line: (line: string) => void;
  /** The link's status changed (state, counters on state change). */
  status: (status: LinkOwnStatus) => void;
}

/**
 * A connection to one radio gateway. It opens the port on start(), reopens it with backoff when it is
 * missing or closes, and never throws out of its event handlers.
 */
export interface RadioLink {
  start(): void;
  stop(): Promise<void>;
  /** Write one line (the terminator is added); rejects with SERIAL_LINK_CLOSED or SERIAL_WRITE_FAILED. */
  writeLine(line: string): Promise<void>;
  status(): LinkOwnStatus;
  on<E extends keyof RadioLinkEvents>(event: E, listener: RadioLinkEvents[E]): this;
  off<E extends keyof RadioLinkEvents>(event: E, listener: RadioLinkEvents[E]): this;
}
