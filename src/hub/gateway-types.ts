import type { MetricTable, NodePacket } from '../domain/index.js';
import type { Node } from '../protocol/index.js';
import type { RadioLink } from '../radio/link.js';
import type { GatewaySession } from '../radio/session.js';
import type { Confirmation } from './request-service.js';

/**
 * The result of decoding one line from a radio gateway. A packet may carry confirmations of requests.
 * A gateway line of type `start` means the board reset and lost its request queue.
 */
export type DecodeResult =
  | { kind: 'packet'; packet: NodePacket; confirmations?: readonly Confirmation[] }
  | { kind: 'malformed'; reason: string }
  | { kind: 'gateway'; message?: { type: unknown } };

/** Chooses a node's metric table: `reportedType` is the type the packet itself names, or null. */
export type MetricTableLookup = (nodeId: number, reportedType: string | null) => MetricTable;

/** The dialect functions the hub uses: pure decoding of one line and encoding of one command. */
export interface DialectCodec {
  decode(line: string, tables?: MetricTableLookup): DecodeResult;
  encode(nodeId: number, payload: string): string;
  /** Encoders of requests for sleeping nodes, for dialects whose radio gateway queues them. */
  encodeRequest?(nodeId: number, name: string, value: string | null): string;
  encodeRequestCancel?(nodeId: number, name: string, value: string | null): string;
  /** The line with secrets (such as an ENCRYPTKEY value) replaced, for logs and the live log. */
  redact?(line: string): string;
}

/** One radio gateway the hub talks to: a name from the config, its dialect and its link. */
export interface RadioGateway {
  name: string;
  dialect: string;
  link: RadioLink;
  codec: DialectCodec;
  /** The dialect's stateful side, such as a MySensors controller, when it has one. */
  session?: GatewaySession;
}

/** Called for every decoded node packet after the registry applied it. */
export type PacketListener = (event: { gateway: string; packet: NodePacket; node: Node; time: Date }) => void;
