import { UserError } from '../../src/core/errors.ts';

/**
 * Where each sensor is worn, from `--placement SENSOR=PLACE` options. SENSOR is a sensor id
 * (`serial:/dev/ttyACM0#2`, a BLE address spec) or the end of one (`#2`: sensor 2 on any port),
 * so that the four sensors of one port are named without repeating the path. An exact id wins
 * over an ending; among endings, the longest.
 */
export class PlacementRules {
  private readonly rules: { key: string; place: string }[];
  private readonly used = new Set<string>();

  constructor(rules: readonly { key: string; place: string }[] = []) {
    this.rules = [...rules];
  }

  /** Parses `SENSOR=PLACE` options; a malformed one is a UserError naming it. */
  static parse(options: readonly string[]): PlacementRules {
    const rules = options.map((option) => {
      const eq = option.lastIndexOf('=');
      const key = eq > 0 ? option.slice(0, eq).trim() : '';
      const place = eq > 0 ? option.slice(eq + 1).trim() : '';
      if (key === '' || place === '') {
        throw new UserError(
          `--placement '${option}' is not SENSOR=PLACE`,
          "e.g. --placement 'serial:/dev/ttyACM0#0=wrist', or --placement '#0=wrist' for sensor 0 on any port",
        );
      }
      return { key, place };
    });
    const keys = new Set<string>();
    for (const { key } of rules) {
      if (keys.has(key)) throw new UserError(`--placement names ${key} twice`, 'give each sensor one placement');
      keys.add(key);
    }
    return new PlacementRules(rules);
  }

  /** The placement for a sensor id: a rule's, else what the device said, else none. */
  placementOf(sensorId: string, fromDevice?: string): string | undefined {
    const exact = this.rules.find((r) => r.key === sensorId);
    const ending = this.rules.filter((r) => sensorId.endsWith(r.key)).sort((a, b) => b.key.length - a.key.length)[0];
    const rule = exact ?? ending;
    if (rule !== undefined) {
      this.used.add(rule.key);
      return rule.place;
    }
    return fromDevice;
  }

  /** Rules no sensor matched so far. */
  unused(): string[] {
    return this.rules.filter((r) => !this.used.has(r.key)).map((r) => r.key);
  }
}
