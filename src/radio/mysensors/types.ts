/**
 * Type tables of the MySensors serial API, protocol 2.x. The index of a name is its number on the wire.
 * NOTE: the tests check these numbers against the sample lines only (S_TEMP, V_TEMP, I_CONFIG and a
 * few more), not against the MySensors library source.
 */

/** The third field of a message. */
export const commands = ['presentation', 'set', 'req', 'internal', 'stream'] as const;
export type MySensorsCommand = (typeof commands)[number];

/** Sensor types a node presents its children as (command 0). */
export const presentationTypes = [
  'S_DOOR', 'S_MOTION', 'S_SMOKE', 'S_BINARY', 'S_DIMMER', 'S_COVER', 'S_TEMP', 'S_HUM', 'S_BARO', 'S_WIND',
  'S_RAIN', 'S_UV', 'S_WEIGHT', 'S_POWER', 'S_HEATER', 'S_DISTANCE', 'S_LIGHT_LEVEL', 'S_ARDUINO_NODE',
  'S_ARDUINO_REPEATER_NODE', 'S_LOCK', 'S_IR', 'S_WATER', 'S_AIR_QUALITY', 'S_CUSTOM', 'S_DUST',
  'S_SCENE_CONTROLLER', 'S_RGB_LIGHT', 'S_RGBW_LIGHT', 'S_COLOR_SENSOR', 'S_HVAC', 'S_MULTIMETER', 'S_SPRINKLER',
  'S_WATER_LEAK', 'S_SOUND', 'S_VIBRATION', 'S_MOISTURE', 'S_INFO', 'S_GAS', 'S_GPS', 'S_WATER_QUALITY',
] as const;

/** Value types of set and req messages (commands 1 and 2). */
export const valueTypes = [
  'V_TEMP', 'V_HUM', 'V_STATUS', 'V_PERCENTAGE', 'V_PRESSURE', 'V_FORECAST', 'V_RAIN', 'V_RAINRATE', 'V_WIND',
  'V_GUST', 'V_DIRECTION', 'V_UV', 'V_WEIGHT', 'V_DISTANCE', 'V_IMPEDANCE', 'V_ARMED', 'V_TRIPPED', 'V_WATT',
  'V_KWH', 'V_SCENE_ON', 'V_SCENE_OFF', 'V_HVAC_FLOW_STATE', 'V_HVAC_SPEED', 'V_LIGHT_LEVEL', 'V_VAR1', 'V_VAR2',
  'V_VAR3', 'V_VAR4', 'V_VAR5', 'V_UP', 'V_DOWN', 'V_STOP', 'V_IR_SEND', 'V_IR_RECEIVE', 'V_FLOW', 'V_VOLUME',
  'V_LOCK_STATUS', 'V_LEVEL', 'V_VOLTAGE', 'V_CURRENT', 'V_RGB', 'V_RGBW', 'V_ID', 'V_UNIT_PREFIX',
  'V_HVAC_SETPOINT_COOL', 'V_HVAC_SETPOINT_HEAT', 'V_HVAC_FLOW_MODE', 'V_TEXT', 'V_CUSTOM', 'V_POSITION',
  'V_IR_RECORD', 'V_PH', 'V_ORP', 'V_EC', 'V_VAR', 'V_VA', 'V_POWER_FACTOR', 'V_MULTI_MESSAGE',
] as const;

/** Internal message types (command 3). */
export const internalTypes = [
  'I_BATTERY_LEVEL', 'I_TIME', 'I_VERSION', 'I_ID_REQUEST', 'I_ID_RESPONSE', 'I_INCLUSION_MODE', 'I_CONFIG',
  'I_FIND_PARENT', 'I_FIND_PARENT_RESPONSE', 'I_LOG_MESSAGE', 'I_CHILDREN', 'I_SKETCH_NAME', 'I_SKETCH_VERSION',
  'I_REBOOT', 'I_GATEWAY_READY', 'I_SIGNING_PRESENTATION', 'I_NONCE_REQUEST', 'I_NONCE_RESPONSE',
  'I_HEARTBEAT_REQUEST', 'I_PRESENTATION', 'I_DISCOVER_REQUEST', 'I_DISCOVER_RESPONSE', 'I_HEARTBEAT_RESPONSE',
  'I_LOCKED', 'I_PING', 'I_PONG', 'I_REGISTRATION_REQUEST', 'I_REGISTRATION_RESPONSE', 'I_DEBUG',
  'I_SIGNAL_REPORT_REQUEST', 'I_SIGNAL_REPORT_REVERSE', 'I_SIGNAL_REPORT_RESPONSE', 'I_PRE_SLEEP_NOTIFICATION',
  'I_POST_SLEEP_NOTIFICATION',
] as const;

/** Stream types (command 4), used for firmware updates over the air. */
export const streamTypes = [
  'ST_FIRMWARE_CONFIG_REQUEST', 'ST_FIRMWARE_CONFIG_RESPONSE', 'ST_FIRMWARE_REQUEST', 'ST_FIRMWARE_RESPONSE',
  'ST_SOUND', 'ST_IMAGE', 'ST_FIRMWARE_CONFIRM', 'ST_FIRMWARE_RESPONSE_RLE',
] as const;

const tables: Readonly<Record<MySensorsCommand, readonly string[]>> = {
  presentation: presentationTypes,
  set: valueTypes,
  req: valueTypes,
  internal: internalTypes,
  stream: streamTypes,
};

/** Returns the type name of `type` under `command`, or null for a number the 2.x tables do not list. */
export function typeName(command: MySensorsCommand, type: number): string | null {
  return tables[command][type] ?? null;
}

/** Returns the wire number of a type name under `command`, or null when the name is unknown. */
export function typeNumber(command: MySensorsCommand, name: string): number | null {
  const index = tables[command].indexOf(name);
  return index === -1 ? null : index;
}

/** Internal type numbers the controller reads or writes. */
export const internal = {
  batteryLevel: 0,
  time: 1,
  version: 2,
  idRequest: 3,
  idResponse: 4,
  config: 6,
  logMessage: 9,
  sketchName: 11,
  sketchVersion: 12,
  gatewayReady: 14,
} as const;

/** Node ids: 0 is the gateway, 255 a node without an id yet (and broadcast). */
export const gatewayNodeId = 0;
export const unassignedNodeId = 255;
export const minNodeId = 1;
export const maxNodeId = 254;
/** Child id 255 addresses the node itself rather than one of its sensors. */
export const nodeChildId = 255;
/** Maximum radio payload of one message in bytes (MySensors MAX_PAYLOAD on nRF24 and RFM69). */
export const maxPayloadBytes = 25;

/**
 * Returns the longest payload text of a message to or from `nodeId`. Messages of the gateway itself
 * (node 0, such as its log lines) never cross the radio, so only the line length limits them.
 */
export function maxPayloadLength(nodeId: number, command: MySensorsCommand): number {
  if (nodeId === gatewayNodeId) {
    return Number.POSITIVE_INFINITY;
  }
  return command === 'stream' ? maxPayloadBytes * 2 : maxPayloadBytes;
}
