import { mergeMetricTables, metricDefinition as define, metricTable, type MetricTable } from './metric-table.js';

/** Node kinds: they choose the icon and controls in the UI and the built-in metric table. */
export const nodeKinds = ['motion', 'garage', 'weather', 'switch', 'water', 'doorbell', 'sonar', 'sprinkler', 'thermostat', 'generic'] as const;
export type NodeKind = (typeof nodeKinds)[number];

/** Battery metric of a type and the value under which the node reports a low battery. */
export interface BatteryThreshold {
  metric: string;
  lowBelow: number;
}

/** A node type after resolution: its table, offline time and battery threshold. */
export interface NodeType {
  name: string;
  kind: NodeKind;
  table: MetricTable;
  offlineAfterMinutes: number;
  battery: BatteryThreshold | null;
}

/** Tokens every LowPowerLab node sketch may print, whatever its kind. */
const commonTable = metricTable(
  [
    define('BAT', 'battery', 'V', 'volts'),
    define('VBAT', 'battery', 'V', 'volts'),
    define('V', 'battery', 'V', 'volts'),
    define('X', 'txLevel', null, 'number'),
    define('TYPE', 'nodeType', null, 'text'),
    define('DEBUG', 'debug', null, 'text'),
  ],
  { flags: { START: 'start' } },
);

const temperatureDefinitions = [define('F', 'temperature', '°F', 'fahrenheit'), define('C', 'temperature', '°C', 'number')];

/** Each kind's own tokens, from the LowPowerLab node sketches of that kind. */
const kindTables: Readonly<Record<NodeKind, MetricTable>> = {
  motion: metricTable([define('LO', 'timeSinceMotion', null, 'text')], { flags: { MOTION: 'motion' } }),
  garage: metricTable([define('STS', 'state', null, 'doorState')], { doorWords: true }),
  weather: metricTable([...temperatureDefinitions, define('H', 'humidity', '%', 'number'), define('P', 'pressure', 'inHg', 'number')]),
  switch: metricTable([
    define('BTN0', 'button0', null, 'number'),
    define('BTN1', 'button1', null, 'number'),
    define('BTN2', 'button2', null, 'number'),
    define('SSR', 'ssr', null, 'number'),
    define('RLY', 'relay', null, 'number'),
  ]),
  water: metricTable([
    define('GAL', 'waterTotal', 'gal', 'number'),
    define('GPM', 'waterFlow', 'gal/min', 'number'),
    define('GLM', 'waterLastMinute', 'gal', 'number'),
  ]),
  doorbell: metricTable([define('BELL', 'bell', null, 'number')], { flags: { RING: 'ring' } }),
  sonar: metricTable([], { distance: true }),
  sprinkler: metricTable([define('ZONE', 'zone', null, 'number'), define('ZONES', 'zone', null, 'text')]),
  thermostat: metricTable([
    ...temperatureDefinitions,
    define('TARGET', 'targetTemperature', null, 'number'),
    define('HOLD', 'hold', null, 'text'),
    define('MODE', 'mode', null, 'text'),
    define('TSTATE', 'thermostatState', null, 'text'),
    define('FSTATE', 'fanState', null, 'text'),
  ]),
  // A node of unknown type may be any kind, so every built-in token is read.
  generic: metricTable([]),
};

/** The table of a node whose type is unknown: the common tokens and those of every kind. */
export const genericMetricTable: MetricTable = mergeMetricTables(
  ...Object.values(kindTables),
  commonTable,
);

/** The built-in table of a kind: the common tokens plus the kind's own. */
export function builtInTableOf(kind: NodeKind): MetricTable {
  return kind === 'generic' ? genericMetricTable : mergeMetricTables(commonTable, kindTables[kind]);
}

/** Low-battery threshold for nodes powered by two AA cells or a 3.3 V regulator, in volts. */
const batteryLowVolts = 3.0;
/** Low-battery threshold for nodes on a single LiPo cell, in volts. */
const lipoLowVolts = 3.5;

// NOTE: the offline times and battery thresholds below are estimates of how often each kind of
// LowPowerLab node reports and what it runs on. Users set their own through `nodeTypes`.
const builtInSettings: ReadonlyArray<{ name: string; kind: NodeKind; offlineAfterMinutes: number; lowBelow: number | null }> = [
  { name: 'MotionMote', kind: 'motion', offlineAfterMinutes: 180, lowBelow: batteryLowVolts },
  { name: 'GarageMote', kind: 'garage', offlineAfterMinutes: 60, lowBelow: null },
  { name: 'WeatherMote', kind: 'weather', offlineAfterMinutes: 30, lowBelow: batteryLowVolts },
  { name: 'SwitchMote', kind: 'switch', offlineAfterMinutes: 120, lowBelow: null },
  { name: 'WaterMote', kind: 'water', offlineAfterMinutes: 30, lowBelow: null },
  { name: 'DoorBellMote', kind: 'doorbell', offlineAfterMinutes: 1440, lowBelow: batteryLowVolts },
  { name: 'SonarMote', kind: 'sonar', offlineAfterMinutes: 60, lowBelow: lipoLowVolts },
  { name: 'SprinklerMote', kind: 'sprinkler', offlineAfterMinutes: 120, lowBelow: null },
  { name: 'ThermostatMote', kind: 'thermostat', offlineAfterMinutes: 30, lowBelow: null },
  { name: 'generic', kind: 'generic', offlineAfterMinutes: 60, lowBelow: batteryLowVolts },
];

/** The built-in node types by name, one per LowPowerLab node kind plus `generic`. */
export const builtInNodeTypes: ReadonlyMap<string, NodeType> = new Map(
  builtInSettings.map((settings) => [
    settings.name,
    {
      name: settings.name,
      kind: settings.kind,
      table: builtInTableOf(settings.kind),
      offlineAfterMinutes: settings.offlineAfterMinutes,
      battery: settings.lowBelow === null ? null : { metric: 'battery', lowBelow: settings.lowBelow },
    },
  ]),
);

export const genericTypeName = 'generic';
