import type { DecodedMetric } from '../../domain/packet.js';
import { nodeChildId } from './types.js';

/** Metric of a value type: its name, its unit and whether its payload must be a number. */
interface ValueMetric {
  name: string;
  unit: string | null;
  numeric: boolean;
}

/**
 * Metrics of the value types, indexed by type number. Units are metric because the controller replies
 * to I_CONFIG with `M`, which asks sketches for metric values.
 * NOTE: the API fixes no unit for several types (pressure, wind, flow, volume), so those units are the
 * ones common sketches send and may not match every sketch.
 */
const valueMetrics: Readonly<Record<number, ValueMetric>> = {
  0: { name: 'temperature', unit: '°C', numeric: true },
  1: { name: 'humidity', unit: '%', numeric: true },
  2: { name: 'status', unit: null, numeric: true },
  3: { name: 'percentage', unit: '%', numeric: true },
  4: { name: 'pressure', unit: 'Pa', numeric: true },
  5: { name: 'forecast', unit: null, numeric: false },
  6: { name: 'rain', unit: 'mm', numeric: true },
  7: { name: 'rainRate', unit: 'mm/h', numeric: true },
  8: { name: 'wind', unit: 'm/s', numeric: true },
  9: { name: 'gust', unit: 'm/s', numeric: true },
  10: { name: 'direction', unit: '°', numeric: true },
  11: { name: 'uv', unit: null, numeric: true },
  12: { name: 'weight', unit: 'kg', numeric: true },
  13: { name: 'distance', unit: 'cm', numeric: true },
  14: { name: 'impedance', unit: 'Ω', numeric: true },
  15: { name: 'armed', unit: null, numeric: true },
  16: { name: 'tripped', unit: null, numeric: true },
  17: { name: 'power', unit: 'W', numeric: true },
  18: { name: 'energy', unit: 'kWh', numeric: true },
  19: { name: 'sceneOn', unit: null, numeric: false },
  20: { name: 'sceneOff', unit: null, numeric: false },
  21: { name: 'hvacFlowState', unit: null, numeric: false },
  22: { name: 'hvacSpeed', unit: null, numeric: false },
  23: { name: 'lightLevel', unit: '%', numeric: true },
  24: { name: 'var1', unit: null, numeric: false },
  25: { name: 'var2', unit: null, numeric: false },
  26: { name: 'var3', unit: null, numeric: false },
  27: { name: 'var4', unit: null, numeric: false },
  28: { name: 'var5', unit: null, numeric: false },
  29: { name: 'up', unit: null, numeric: false },
  30: { name: 'down', unit: null, numeric: false },
  31: { name: 'stop', unit: null, numeric: false },
  32: { name: 'irSend', unit: null, numeric: false },
  33: { name: 'irReceive', unit: null, numeric: false },
  34: { name: 'flow', unit: 'm', numeric: true },
  35: { name: 'volume', unit: 'l', numeric: true },
  36: { name: 'lockStatus', unit: null, numeric: true },
  37: { name: 'level', unit: null, numeric: true },
  38: { name: 'voltage', unit: 'V', numeric: true },
  39: { name: 'current', unit: 'A', numeric: true },
  40: { name: 'rgb', unit: null, numeric: false },
  41: { name: 'rgbw', unit: null, numeric: false },
  42: { name: 'sensorId', unit: null, numeric: false },
  43: { name: 'unitPrefix', unit: null, numeric: false },
  44: { name: 'setpointCool', unit: '°C', numeric: true },
  45: { name: 'setpointHeat', unit: '°C', numeric: true },
  46: { name: 'hvacFlowMode', unit: null, numeric: false },
  47: { name: 'text', unit: null, numeric: false },
  48: { name: 'custom', unit: null, numeric: false },
  49: { name: 'position', unit: null, numeric: false },
  50: { name: 'irRecord', unit: null, numeric: false },
  51: { name: 'ph', unit: 'pH', numeric: true },
  52: { name: 'orp', unit: 'mV', numeric: true },
  53: { name: 'ec', unit: 'μS/cm', numeric: true },
  54: { name: 'reactivePower', unit: 'var', numeric: true },
  55: { name: 'apparentPower', unit: 'VA', numeric: true },
  56: { name: 'powerFactor', unit: null, numeric: true },
  57: { name: 'multiMessage', unit: null, numeric: false },
};

/** A decimal number as sketches print it with Arduino's print(float): optional minus, digits, optional fraction. */
const strictNumberPattern = /^-?\d{1,10}(?:\.\d{1,10})?$/;

/**
 * Returns the metric of a set message, or null when a numeric type carries a payload that is not a
 * number. The child id is part of the name (`temperature1`) because one node may have several
 * sensors of a kind. A type the tables do not list keeps its payload as text under `value<type>`.
 */
export function valueMetric(childId: number, type: number, payload: string): DecodedMetric | null {
  const known = valueMetrics[type];
  const base = known?.name ?? `value${type}`;
  const name = childId === nodeChildId ? base : `${base}${childId}`;
  if (known?.numeric !== true) {
    return { name, value: payload, unit: known?.unit ?? null };
  }
  if (!strictNumberPattern.test(payload)) {
    return null;
  }
  return { name, value: Number(payload), unit: known.unit };
}

/** Returns the battery metric of an I_BATTERY_LEVEL message (percent, 0..100), or null for another payload. */
export function batteryMetric(payload: string): DecodedMetric | null {
  if (!/^(?:\d|[1-9]\d|100)$/.test(payload)) {
    return null;
  }
  return { name: 'battery', value: Number(payload), unit: '%' };
}
