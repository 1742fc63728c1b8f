/**
 * What a dialect codec hands the domain for one node transmission: no I/O, no clock. The hub stamps
 * the arrival time when it applies the packet.
 */
export interface DecodedMetric {
  /** Metric name in lower camel case, such as "temperature" or "battery". */
  name: string;
  value: number | string;
  unit: string | null;
}

export interface NodePacket {
  nodeId: number;
  /** Received signal strength in dBm, or null when the line carried none. */
  rssi: number | null;
  metrics: DecodedMetric[];
}
