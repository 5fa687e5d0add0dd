/**
 * Sweeps: the configurations an experiment declares (`configs`), as a grid (the cartesian product
 * of named value lists) or a list of objects, validated and expanded into an ordered list. Each
 * configuration has an id, `[units=8,lr=0.001]`, that is appended to the experiment's export name
 * (`default[units=8,lr=0.001]`): runners, records, resume and the job queue address one
 * configuration by that name alone, and a record's export name gives its configuration back.
 *
 * @module
 */

import { describe } from '../validate/index.js';
import type { RunRecord } from './run-record.js';

/** A value of a configuration: anything JSON holds (finite numbers, strings, booleans, null, arrays, objects). */
export type ConfigValue =
  | null
  | boolean
  | number
  | string
  | readonly ConfigValue[]
  | { readonly [key: string]: ConfigValue };

/** One configuration of a sweep: named values, e.g. `{ units: 8, lr: 0.001 }`. */
export type Config = { readonly [key: string]: ConfigValue };

/** A grid: per key, the values it takes; the sweep runs every combination. */
export type ConfigGrid<C extends Config = Config> = { readonly [K in keyof C]: readonly C[K][] };

/** What `experiment({ configs })` accepts: a grid or a list of configurations. */
export type Configs = ConfigGrid | readonly Config[];

/** Configuration keys appear in names and export names: identifiers, with dots and dashes. */
const CONFIG_KEY = /^[A-Za-z_][\w.-]*$/;
/** More configurations than this is almost surely a mistake (and a very long run). */
export const MAX_CONFIGS = 10_000;

/**
 * Validates `configs` and returns its configurations in order, each deep-frozen and passed through
 * JSON (so `run` sees exactly what the records keep). A grid expands in the order of its keys,
 * the last key varying fastest: `{ units: [8, 16], lr: [1e-3, 1e-2] }` gives
 * `{units: 8, lr: 1e-3}, {units: 8, lr: 1e-2}, {units: 16, lr: 1e-3}, {units: 16, lr: 1e-2}`.
 *
 * @param where The caller, for messages (`experiment 'mlp'`).
 * @throws TypeError or RangeError naming the culprit (`configs.lr[1]`, `configs[2].units`): an
 *   empty grid or list, a grid entry that is not a non-empty array, a list entry that is not an
 *   object, a value JSON cannot hold (undefined, NaN, ±Infinity, a function, a bigint, a class
 *   instance, a cycle), a key that is not an identifier, two equal configurations, or more than
 *   {@link MAX_CONFIGS}.
 * @example
 * ```ts
 * expandConfigs('sweep', { units: [8, 16], lr: [0.001] });
 * // [{ units: 8, lr: 0.001 }, { units: 16, lr: 0.001 }]
 * ```
 */
export function expandConfigs(where: string, configs: unknown): Config[] {
  const list = Array.isArray(configs) ? checkList(where, configs) : checkGrid(where, configs);
  const seen = new Map<string, number>();
  list.forEach((config, i) => {
    const id = configId(config);
    const first = seen.get(id);
    if (first !== undefined) {
      throw new RangeError(
        `${where}: configurations ${first} and ${i} of \`configs\` are the same (${id}); list each once`,
      );
    }
    seen.set(id, i);
  });
  return list.map((config) => deepFreeze(JSON.parse(JSON.stringify(config)) as Config));
}

function checkList(where: string, configs: readonly unknown[]): Config[] {
  if (configs.length === 0) {
    throw new RangeError(
      `${where}: \`configs\` is an empty list; give at least one configuration, e.g. [{ units: 8 }]`,
    );
  }
  checkCount(where, configs.length);
  return configs.map((entry, i) => {
    if (!isPlainObject(entry)) {
      throw new TypeError(
        `${where}: \`configs[${i}]\` must be an object of named values such as { units: 8 } (got ${describe(entry)})`,
      );
    }
    for (const [key, value] of Object.entries(entry)) {
      checkKey(where, `configs[${i}]`, key);
      checkJsonValue(where, `configs[${i}].${key}`, value, new Set());
    }
    return entry as Config;
  });
}

function checkGrid(where: string, grid: unknown): Config[] {
  if (!isPlainObject(grid)) {
    throw new TypeError(
      `${where}: \`configs\` must be a grid { key: [values…] } or a list [{ … }, …] (got ${describe(grid)})`,
    );
  }
  const axes = Object.entries(grid);
  if (axes.length === 0) {
    throw new RangeError(
      `${where}: \`configs\` is an empty grid; give at least one key with its values, e.g. { units: [8, 16] }`,
    );
  }
  let count = 1;
  for (const [key, values] of axes) {
    checkKey(where, 'configs', key);
    if (!Array.isArray(values) || values.length === 0) {
      const hint = Array.isArray(values) ? '' : ` (for one value write [${shortJson(values)}])`;
      throw new TypeError(
        `${where}: \`configs.${key}\` must be a non-empty array of values${hint} (got ${describe(values)})`,
      );
    }
    values.forEach((value, i) => {
      checkJsonValue(where, `configs.${key}[${i}]`, value, new Set());
    });
    count *= values.length;
  }
  checkCount(where, count);
  // Odometer order: the last key varies fastest.
  let product: Record<string, unknown>[] = [{}];
  for (const [key, values] of axes) {
    product = product.flatMap((partial) =>
      (values as unknown[]).map((value) => ({ ...partial, [key]: value })),
    );
  }
  return product as Config[];
}

function checkCount(where: string, count: number): void {
  if (count > MAX_CONFIGS) {
    throw new RangeError(
      `${where}: \`configs\` gives ${count} configurations, more than ${MAX_CONFIGS}; sweep fewer values`,
    );
  }
}

function checkKey(where: string, path: string, key: string): void {
  if (!CONFIG_KEY.test(key)) {
    throw new TypeError(
      `${where}: key ${JSON.stringify(key)} of \`${path}\` must start with a letter or _ and use only letters, digits, _ . -`,
    );
  }
}

/** Throws unless JSON holds `value` exactly (what `run` receives is what the record keeps). */
function checkJsonValue(where: string, path: string, value: unknown, ancestors: Set<object>): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`${where}: \`${path}\` is ${value}; configuration numbers must be finite`);
    }
    return;
  }
  if (typeof value !== 'object' || !(Array.isArray(value) || isPlainObject(value))) {
    throw new TypeError(
      `${where}: \`${path}\` is ${describe(value)}; configuration values must be JSON: numbers, strings, booleans, null, arrays or plain objects`,
    );
  }
  if (ancestors.has(value))
    throw new TypeError(`${where}: \`${path}\` contains itself; JSON cannot hold a cycle`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkJsonValue(where, `${path}[${i}]`, item, ancestors);
    });
  } else {
    for (const [key, item] of Object.entries(value)) {
      checkJsonValue(where, `${path}.${key}`, item, ancestors);
    }
  }
  ancestors.delete(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function shortJson(value: unknown): string {
  try {
    const text = JSON.stringify(value) ?? describe(value);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
  } catch {
    return describe(value);
  }
}

/**
 * The id of a configuration, appended to its experiment's export name: `[units=8,lr=0.001]` (keys
 * in the configuration's order, values as JSON).
 *
 * @example
 * ```ts
 * configId({ units: 8, act: 'relu' }); // '[units=8,act="relu"]'
 * ```
 */
export function configId(config: Config): string {
  return `[${Object.entries(config)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(',')}]`;
}

/**
 * A configuration as shown after the experiment's name: `[units=8, lr=0.001]`.
 *
 * @example
 * ```ts
 * `mlp ${configLabel({ units: 8, lr: 1e-3 })}`; // 'mlp [units=8, lr=0.001]'
 * ```
 */
export function configLabel(config: Config): string {
  return `[${Object.entries(config)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ')}]`;
}

/**
 * Splits an export name into the export that holds a sweep and the configuration it names:
 * `default[units=8,lr=0.001]` → `{ exportName: 'default', id: '[units=8,lr=0.001]', config }`.
 * Undefined for an export name without a configuration (or an id that does not parse).
 *
 * @example
 * ```ts
 * parseConfigExport('default[units=8,act="relu"]')?.config; // { units: 8, act: 'relu' }
 * parseConfigExport('default'); // undefined
 * ```
 */
export function parseConfigExport(
  name: string,
): { exportName: string; id: string; config: Config } | undefined {
  const open = name.indexOf('[');
  if (open <= 0 || !name.endsWith(']')) return undefined;
  const body = name.slice(open + 1, -1);
  const config: Record<string, ConfigValue> = {};
  let rest = body;
  while (rest !== '') {
    const key = /^([A-Za-z_][\w.-]*)=/.exec(rest);
    if (key === null) return undefined;
    rest = rest.slice(key[0].length);
    // The value is the shortest prefix up to a comma (or the end) that is JSON: a comma inside a
    // string, array or object leaves the prefix before it unterminated, hence invalid.
    let value: { parsed: ConfigValue; length: number } | undefined;
    for (let end = rest.indexOf(','); ; end = rest.indexOf(',', end + 1)) {
      const length = end === -1 ? rest.length : end;
      try {
        value = { parsed: JSON.parse(rest.slice(0, length)) as ConfigValue, length };
        break;
      } catch {
        if (end === -1) return undefined;
      }
    }
    config[key[1]] = value.parsed;
    rest = rest.slice(value.length);
    if (rest.startsWith(',')) {
      rest = rest.slice(1);
      if (rest === '') return undefined;
    }
  }
  return { exportName: name.slice(0, open), id: name.slice(open), config: deepFreeze(config) };
}

/**
 * The configuration a recorded run ran with (one configuration of a sweep), read from its export
 * name; undefined for a run of an experiment without `configs`.
 *
 * @example
 * ```ts
 * recordConfig(records.getRun(id)); // { units: 8, lr: 0.001 }
 * ```
 */
export function recordConfig(record: Pick<RunRecord, 'module'>): Config | undefined {
  return parseConfigExport(record.module.export)?.config;
}
