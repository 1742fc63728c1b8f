/** Random source in [0, 1). */
export type Random = () => number;

/** A packet a node sends `afterMs` after a command reached it. */
export interface Reaction {
  afterMs: number;
  /** Returns the payload when the time comes, or null when the packet is no longer due. */
  payload: () => string | null;
}

function now(payload: string): Reaction {
  return { afterMs: 20, payload: () => payload };
}

/** One simulated RFM69 node: its periodic reports drift plausibly and it reacts to direct sends. */
export interface SimulatedNode {
  readonly id: number;
  readonly kind: string;
  /** Mean RSSI in dBm, around which each packet's RSSI varies. */
  readonly rssiDbm: number;
  /** Returns the payload of the node's next periodic packet, without the RSSI tail. */
  report(random: Random): string;
  /** Returns the packets the node sends in reaction to a direct send, or none when it ignores it. */
  react(payload: string): Reaction[];
}

/** Moves `value` by up to `step` either way, kept within [min, max]. */
function drift(value: number, step: number, min: number, max: number, random: Random): number {
  return Math.min(max, Math.max(min, value + (random() * 2 - 1) * step));
}

function volts(value: number): string {
  return `${value.toFixed(2)}v`;
}

class MotionNode implements SimulatedNode {
  readonly kind = 'motion';
  #minutesSinceMotion = 192;
  #battery = 3.27;

  constructor(
    readonly id: number,
    readonly rssiDbm: number,
  ) {}

  report(random: Random): string {
    this.#battery = drift(this.#battery, 0.005, 3.0, 3.3, random);
    if (random() < 0.3) {
      this.#minutesSinceMotion = 0;
      return `MOTION BAT:${volts(this.#battery)}`;
    }
    this.#minutesSinceMotion += 1 + Math.floor(random() * 10);
    const hours = Math.floor(this.#minutesSinceMotion / 60);
    const minutes = this.#minutesSinceMotion % 60;
    return `LO:${hours}h${minutes}m BAT:${volts(this.#battery)}`;
  }

  react(): Reaction[] {
    return [];
  }
}

/** A garage door opener: `OPN` and `CLS` move the door, `STS` reports where it is. */
class GarageNode implements SimulatedNode {
  readonly kind = 'garage';
  #state: 'OPN' | 'CLS' | 'OPNING' | 'CLSING' = 'CLS';
  readonly #travelMs: number;

  constructor(
    readonly id: number,
    readonly rssiDbm: number,
    travelMs: number,
  ) {
    this.#travelMs = travelMs;
  }

  report(): string {
    return `STS:${this.#state}`;
  }

  react(payload: string): Reaction[] {
    if (payload === 'STS') {
      return [now(`STS:${this.#state}`)];
    }
    if (payload !== 'OPN' && payload !== 'CLS') {
      return [];
    }
    const target = payload;
    if (this.#state === target) {
      return [now(`STS:${target}`)];
    }

    // The door reports its end state only after the travel time. A command in between reverses it,
    // so the earlier end state is not sent.
    const moving = target === 'OPN' ? 'OPNING' : 'CLSING';
    this.#state = moving;
    const arrive = (): string | null => {
      if (this.#state !== moving) {
        return null;
      }
      this.#state = target;
      return `STS:${target}`;
    };
    return [now(target === 'OPN' ? 'OPENING' : 'CLOSING'), { afterMs: this.#travelMs, payload: arrive }];
  }
}

class WeatherNode implements SimulatedNode {
  readonly kind = 'weather';
  #fahrenheit = 71.36;
  #humidity = 44.2;
  #pressure = 29.87;
  #battery = 3.31;

  constructor(
    readonly id: number,
    readonly rssiDbm: number,
  ) {}

  report(random: Random): string {
    this.#fahrenheit = drift(this.#fahrenheit, 0.4, 55, 90, random);
    this.#humidity = drift(this.#humidity, 1, 20, 90, random);
    this.#pressure = drift(this.#pressure, 0.02, 29.2, 30.6, random);
    this.#battery = drift(this.#battery, 0.005, 3.0, 3.35, random);
    const txLevel = 10 + Math.floor(random() * 6);
    return `BAT:${volts(this.#battery)} F:${this.#fahrenheit.toFixed(2)} H:${this.#humidity.toFixed(2)} P:${this.#pressure.toFixed(2)} X:${txLevel}`;
  }

  react(): Reaction[] {
    return [];
  }
}

class DoorNode implements SimulatedNode {
  readonly kind = 'door';
  #open = false;

  constructor(
    readonly id: number,
    readonly rssiDbm: number,
  ) {}

  report(random: Random): string {
    if (random() < 0.4) {
      this.#open = !this.#open;
    }
    return `${this.#open ? 'OPN' : 'CLS'} BAT:${volts(3.9 - random() * 0.02)}`;
  }

  react(): Reaction[] {
    return [];
  }
}

class SonarNode implements SimulatedNode {
  readonly kind = 'sonar';
  #distanceCm = 87.4;

  constructor(
    readonly id: number,
    readonly rssiDbm: number,
  ) {}

  report(random: Random): string {
    this.#distanceCm = drift(this.#distanceCm, 3, 15, 120, random);
    return `${this.#distanceCm.toFixed(1)}cm BAT:${volts(4.1 - random() * 0.03)}`;
  }

  react(): Reaction[] {
    return [];
  }
}

class WaterMeterNode implements SimulatedNode {
  readonly kind = 'waterMeter';
  #gallons = 48213.7;

  constructor(
    readonly id: number,
    readonly rssiDbm: number,
  ) {}

  report(random: Random): string {
    const flowing = random() < 0.4;
    const gallonsPerMinute = flowing ? 1 + random() * 2.5 : 0;
    this.#gallons += gallonsPerMinute;
    return `GAL:${this.#gallons.toFixed(1)} GPM:${gallonsPerMinute.toFixed(2)} GLM:${gallonsPerMinute.toFixed(2)}`;
  }

  react(): Reaction[] {
    return [];
  }
}

/** A three-button switch: `BTN<n>:<0|1>` sets a button and the node reports its new state. */
class SwitchNode implements SimulatedNode {
  readonly kind = 'switch';
  readonly #buttons = [0, 0, 0];

  constructor(
    readonly id: number,
    readonly rssiDbm: number,
  ) {}

  report(): string {
    return this.#buttons.map((value, index) => `BTN${index}:${value}`).join(' ');
  }

  react(payload: string): Reaction[] {
    const match = /^BTN([0-2]):([01])$/.exec(payload);
    if (match === null) {
      return [];
    }
    const index = Number(match[1]);
    this.#buttons[index] = Number(match[2]);
    return [now(payload)];
  }
}

class DoorbellNode implements SimulatedNode {
  readonly kind = 'doorbell';

  constructor(
    readonly id: number,
    readonly rssiDbm: number,
  ) {}

  report(random: Random): string {
    return random() < 0.2 ? 'RING' : 'BELL:0';
  }

  react(): Reaction[] {
    return [];
  }
}

/** Creates one node of each kind, with the node ids of the moteino sample lines. */
export function createSimulatedNodes(garageTravelMs: number): SimulatedNode[] {
  return [
    new MotionNode(11, -65),
    new GarageNode(14, -58, garageTravelMs),
    new DoorNode(18, -69),
    new WeatherNode(21, -77),
    new SonarNode(25, -68),
    new WaterMeterNode(30, -73),
    new SwitchNode(33, -55),
    new DoorbellNode(41, -62),
  ];
}
