// config.when / config.whenNot: a function is a node only under some config, resolved at build time.
import { ConfigurationError } from "../errors.js";
import { setNamed } from "../graph/names.js";
import { type AnyFunction, type ConfigCondition, type Expansion, specOf, withSpec } from "../graph/node-spec.js";
import { describeArgument, isPlainObject } from "./shared.js";

/** Config key → the value it must have (or an array: any of these values). */
export type ConfigMatch = Readonly<Record<string, unknown>>;

/** Options of `config.when` and `config.whenNot`. */
export interface WhenOptions {
  /**
   * The node name to use instead of the export name, so two functions (`total_eu`, `total_us`) can
   * each provide node `total` under different configs.
   */
  name?: string;
}

/** Config-conditioned nodes: `config.when({ region: "eu" })(fn)`, `config.whenNot({ … })(fn)`. */
export const config = {
  /** The function is a node only when every key of `match` has the given value (or one of the array's). */
  when(match: ConfigMatch, options: WhenOptions = {}) {
    return conditioned("when", match, options);
  },
  /** The function is a node only when no key of `match` has the given value (or any of the array's). */
  whenNot(match: ConfigMatch, options: WhenOptions = {}) {
    return conditioned("whenNot", match, options);
  },
} as const;

function conditioned(kind: ConfigCondition["kind"], match: ConfigMatch, options: WhenOptions) {
  const condition = checkCondition(kind, match);
  const name = checkName(kind, options);
  const test = (cfg: Readonly<Record<string, unknown>>) => holds(condition, cfg);
  return <F extends AnyFunction>(fn: F): F => {
    if (typeof fn !== "function") return withSpec(fn, {}); // withSpec reports the misuse
    const existing = specOf(fn).name;
    if (name !== undefined && existing !== undefined && existing !== name) {
      throw new ConfigurationError(
        `config.${kind} gives function "${fn.name || "(anonymous)"}" the node name "${name}", but another config modifier already named it "${existing}"; give one name`,
      );
    }
    return withSpec(fn, {
      when: test,
      conditions: [condition],
      ...(name !== undefined ? { name, expansions: [renamedOrigin(name)] } : {}),
    });
  };
}

/** Marks the renamed node with the function it came from (shown in errors, listings and graphs). */
function renamedOrigin(name: string): Expansion {
  return {
    kind: "config.name",
    order: 0,
    apply: (exportName, definitions) =>
      definitions.map((d) =>
        d.name === name && d.name !== exportName && !d.origin
          ? { ...d, origin: { kind: "config.when", from: exportName } }
          : d,
      ),
  };
}

/** True when `condition` holds for `cfg`. */
export function holds(condition: ConfigCondition, cfg: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(condition.values).every(([key, values]) => {
    const present = Object.hasOwn(cfg, key);
    const equal = present && values.some((v) => Object.is(v, cfg[key]));
    return condition.kind === "when" ? equal : !equal;
  });
}

/** "region is \"eu\"", "region is not \"eu\" or \"us\"" */
function checkCondition(kind: ConfigCondition["kind"], match: unknown): ConfigCondition {
  if (!isPlainObject(match) || Object.keys(match).length === 0) {
    throw new ConfigurationError(
      `config.${kind}(match) needs an object of config key → value, like { region: "eu" }, got ${describeArgument(match)}`,
    );
  }
  const values: Record<string, readonly unknown[]> = {};
  for (const [key, wanted] of Object.entries(match)) {
    const list = Array.isArray(wanted) ? wanted : [wanted];
    if (list.length === 0) {
      throw new ConfigurationError(
        `config.${kind}({ ${key}: [] }) lists no values; give at least one value for "${key}"`,
      );
    }
    setNamed(values, key, [...list]);
  }
  return { kind, values };
}

function checkName(kind: string, options: unknown): string | undefined {
  if (!isPlainObject(options)) {
    throw new ConfigurationError(
      `config.${kind}(match, options) takes an options object like { name: "total" }, got ${describeArgument(options)}`,
    );
  }
  const name = options["name"];
  if (name === undefined) return undefined;
  if (typeof name !== "string" || !/^[A-Za-z_$][\w$]*$/.test(name)) {
    throw new ConfigurationError(
      `config.${kind}(match, { name }) needs a node name that is a valid identifier, got ${describeArgument(name)}`,
    );
  }
  return name;
}
