import path from 'node:path';
import { parseTcpEndpoint, type RadioConfig, type RadioGatewayConfig } from '../config/index.js';
import type { RadioGateway } from '../hub/hub.js';
import type { Logger } from '../log/logger.js';
import type { RadioLink } from '../radio/link.js';
import { moteinoCodec } from '../radio/moteino/index.js';
import { decodeMySensorsLine, decodeMySensorsPacket, encodeMySensorsCommand } from '../radio/mysensors/index.js';
import { MySensorsSession } from '../radio/mysensors-session.js';
import { SerialLink } from '../radio/serial-link.js';
import { TcpLink } from '../radio/tcp-link.js';

export interface RadioGatewayOptions {
  /** `--radio-port`: replaces the first gateway's port. */
  firstPort?: string;
  dataDir: string;
  logger: Logger;
}

/** Builds one link, codec and (for mysensors) controller session per configured radio gateway. */
export function createRadioGateways(radio: RadioConfig, options: RadioGatewayOptions): RadioGateway[] {
  return radio.map((configured, index) => {
    const port = index === 0 && options.firstPort !== undefined ? options.firstPort : configured.port;
    const logger = options.logger.child({ component: 'link', gateway: configured.name });
    if (configured.dialect === 'moteino') {
      const codec = moteinoCodec({ gatewayId: configured.gatewayId, maxLineLength: configured.maxCommandLength });
      const link = createLink(port, configured, logger, (line) => codec.decode(line).kind !== 'malformed');
      return { name: configured.name, dialect: configured.dialect, link, codec };
    }
    const link = createLink(port, configured, logger, (line) => decodeMySensorsLine(line).kind !== 'malformed');
    const session = new MySensorsSession({
      gateway: configured.name,
      idsFile: path.join(options.dataDir, 'mysensors', `${configured.name}-node-ids.json`),
      probeIntervalMs: configured.probeIntervalSeconds * 1000,
      logger: options.logger.child({ component: 'mysensors', gateway: configured.name }),
    });
    return { name: configured.name, dialect: configured.dialect, link, codec: { decode: decodeMySensorsPacket, encode: encodeMySensorsCommand }, session };
  });
}

/** `isValidLine` returns whether the dialect decodes a line, for the link's wrong-baud warning. */
function createLink(port: string, configured: RadioGatewayConfig, logger: Logger, isValidLine: (line: string) => boolean): RadioLink {
  const endpoint = parseTcpEndpoint(port);
  if (endpoint !== null) {
    return new TcpLink({ host: endpoint.host, port: endpoint.port, logger, isValidLine });
  }
  return new SerialLink({ path: port, baudRate: configured.baudRate, logger, isValidLine });
}
