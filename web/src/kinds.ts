import doorbellIcon from './icons/doorbell.svg';
import garageIcon from './icons/garage.svg';
import genericIcon from './icons/generic.svg';
import motionIcon from './icons/motion.svg';
import sonarIcon from './icons/sonar.svg';
import sprinklerIcon from './icons/sprinkler.svg';
import switchIcon from './icons/switch.svg';
import thermostatIcon from './icons/thermostat.svg';
import waterIcon from './icons/water.svg';
import weatherIcon from './icons/weather.svg';

export type NodeKind = 'motion' | 'garage' | 'weather' | 'switch' | 'water' | 'doorbell' | 'sonar' | 'sprinkler' | 'thermostat' | 'generic';

export const kindIcons: Record<NodeKind, string> = {
  motion: motionIcon,
  garage: garageIcon,
  weather: weatherIcon,
  switch: switchIcon,
  water: waterIcon,
  doorbell: doorbellIcon,
  sonar: sonarIcon,
  sprinkler: sprinklerIcon,
  thermostat: thermostatIcon,
  generic: genericIcon,
};

/** Words in a type name that identify its kind, checked in this order. */
const kindWords: [RegExp, NodeKind][] = [
  [/garage/i, 'garage'],
  [/motion|pir/i, 'motion'],
  [/door ?bell|bell/i, 'doorbell'],
  [/sprinkler|irrigation/i, 'sprinkler'],
  [/thermostat/i, 'thermostat'],
  [/switch|relay|ssr/i, 'switch'],
  [/water|meter/i, 'water'],
  [/sonar|distance/i, 'sonar'],
  [/weather|thp|temp|humid/i, 'weather'],
];

function isNodeKind(text: string): text is NodeKind {
  return Object.hasOwn(kindIcons, text);
}

/**
 * Returns the kind of a node: the one the hub resolved from the node's type, else a guess from the
 * type name (GarageMote, MotionMote...) for a node whose type the hub does not know.
 */
export function kindOf(node: NodeTypeFacts): NodeKind {
  if (node.kind !== null && isNodeKind(node.kind) && node.kind !== 'generic') {
    return node.kind;
  }
  const typeName = typeNameOf(node);
  if (typeName === null) {
    return 'generic';
  }
  return kindWords.find(([pattern]) => pattern.test(typeName))?.[1] ?? 'generic';
}

/** The fields of a node that identify its type. */
export interface NodeTypeFacts {
  kind: string | null;
  type: string | null;
  metrics: Record<string, { value: number | string }>;
}

/**
 * Returns the node's type name: `type` from the hub, else the text of the node's own TYPE token, which
 * the hub also keeps as the `nodeType` metric.
 */
export function typeNameOf(node: NodeTypeFacts): string | null {
  const reported = node.metrics['nodeType']?.value;
  return node.type ?? (typeof reported === 'string' ? reported : null);
}

/** A button that sends a fixed command. */
export interface PresetCommand {
  label: string;
  payload: string;
}

/**
 * Commands that the LowPowerLab node sketches of each kind accept (GarageMote: OPN/CLS, SwitchMote:
 * BTN<n>:<0|1>, the doorbell sketch: BELL:0/1, SprinklerMote: ZONE:<n> and ZONES:OFF).
 */
export const presetCommands: Record<NodeKind, PresetCommand[]> = {
  garage: [
    { label: 'Open', payload: 'OPN' },
    { label: 'Close', payload: 'CLS' },
  ],
  switch: [
    { label: 'On', payload: 'BTN1:1' },
    { label: 'Off', payload: 'BTN1:0' },
  ],
  doorbell: [
    { label: 'Mute', payload: 'BELL:0' },
    { label: 'Unmute', payload: 'BELL:1' },
  ],
  sprinkler: [
    { label: 'Zone 1 on', payload: 'ZONE:1' },
    { label: 'All zones off', payload: 'ZONES:OFF' },
  ],
  motion: [],
  weather: [],
  water: [],
  sonar: [],
  thermostat: [],
  generic: [],
};

/** Metric names that hold a battery reading, in order of preference. */
const batteryMetrics = ['battery', 'batteryVoltage', 'vbat', 'bat'];

export function batteryMetricName(metrics: Record<string, unknown>): string | null {
  return batteryMetrics.find((name) => name in metrics) ?? null;
}
