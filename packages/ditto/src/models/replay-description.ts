/**
 * A model's description for programs kept across models (engine/twin.ts): a text that two models
 * share only when their steps make the same calls on corresponding objects, and those objects in
 * order. It is a walk over every own field of every layer — new fields are covered without being
 * listed — with values compared as data, functions by identity, variables by shape, dtype and
 * trainability (their values are the step's inputs, read in place), and an object met again by its
 * first position (so sharing is described too). Only the library's own: a layer class that lists
 * its build-only fields as its own static `buildOnlyFields` (a subclass, which may change `call`,
 * has none of its own) and is declared built from ops alone (engine/twin.ts, declareOpsOnly), as
 * every function met must be (the activations, the losses). Anything else — a user's function or
 * layer, a tensor or array held outside a variable, an object of another class — makes the model
 * undescribed, and it traces its first step as before.
 *
 * Walked for every new model's first fit step and first predict, so it is written as numbers (each
 * value tagged, each list counted: a prefix-free code, engine/structure.ts's `put`), strings and
 * functions numbered once per process.
 */
import { put, textOf } from '../engine/structure.js';
import { type Description, isOpsOnly } from '../engine/twin.js';
import { Variable } from '../layers/variable.js';

/**
 * Layer fields no call reads outside its effect calls: the name, the seed and the init key (read
 * by the constructor and build), and a random consumer's key and counter (read only by the effect
 * that draws a mask, which is rebound to the new model's layer).
 */
const LAYER_BUILD_ONLY: ReadonlySet<string> = new Set(['name', 'seed', 'initKey', 'maskKey', 'maskCalls']);

/** A number per function and class, by identity, for as long as the process runs. */
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;

function functionId(fn: object): number {
  let id = functionIds.get(fn);
  if (id === undefined) functionIds.set(fn, (id = nextFunctionId++));
  return id;
}

/** Strings numbered so far; past this many, a new string is written out as its character codes. */
const MAX_STRINGS = 1 << 16;
const stringIds = new Map<string, number>();

/** Each kind of value's tag: the first number of its code. */
enum Tag {
  Number,
  String,
  LongString,
  False,
  True,
  Undefined,
  Null,
  BigInt,
  Function,
  Again,
  Array,
  Variable,
  Plain,
  Layer,
  Token,
  Object,
}

/** A float64's two 32-bit halves (every number exactly, -0 and each NaN apart). */
const numberBits = new Float64Array(1);
const numberWords = new Uint32Array(numberBits.buffer);

/** Thrown by the walk on a value it does not describe. */
class Undescribed extends Error {}

/** The walk: the code, the objects in order, and each object's first position. */
export class Describer {
  private readonly units: number[] = [];
  private readonly objects: object[] = [];
  private readonly seen = new Map<object, number>();

  /** Ends the walk: the model has something it does not describe. */
  undescribed(): never {
    throw new Undescribed();
  }

  /** Appends a piece of text of the caller's own (a model kind, a separator). */
  token(text: string): void {
    put(this.units, Tag.Token);
    this.string(text);
  }

  /** Appends a library function built from ops alone by identity (any other is undescribed). */
  identity(fn: object): void {
    if (!isOpsOnly(fn)) throw new Undescribed();
    put(this.units, Tag.Function);
    put(this.units, functionId(fn));
  }

  /** Appends an object the step holds (an optimizer) by its class, keeping it among the objects. */
  object(value: object): void {
    if (this.again(value)) return;
    put(this.units, Tag.Object);
    put(this.units, functionId(value.constructor));
  }

  /** Appends any value by the rules above (throws Undescribed on one it does not cover). */
  value(value: unknown): void {
    const units = this.units;
    switch (typeof value) {
      case 'number':
        numberBits[0] = value;
        put(units, Tag.Number);
        put(units, numberWords[0]);
        put(units, numberWords[1]);
        return;
      case 'string':
        this.string(value);
        return;
      case 'boolean':
        put(units, value ? Tag.True : Tag.False);
        return;
      case 'undefined':
        put(units, Tag.Undefined);
        return;
      case 'bigint':
        put(units, Tag.BigInt);
        this.string(String(value));
        return;
      case 'function':
        this.identity(value);
        return;
      case 'object':
        break;
      default:
        throw new Undescribed();
    }
    if (value === null) {
      put(units, Tag.Null);
      return;
    }
    if (this.again(value)) return;
    if (Array.isArray(value)) {
      put(units, Tag.Array);
      put(units, value.length);
      for (let i = 0; i < value.length; i++) this.value(value[i]);
      return;
    }
    if (value instanceof Variable) {
      const tensor = value.value;
      this.again(tensor);
      this.again(tensor.data);
      put(units, Tag.Variable);
      this.string(tensor.data.constructor.name);
      put(units, tensor.shape.length);
      for (const d of tensor.shape) put(units, d);
      put(units, value.trainable ? 1 : 0);
      put(units, tensor.requiresGrad ? 1 : 0);
      return;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const keys = Object.keys(value);
      put(units, Tag.Plain);
      put(units, keys.length);
      for (const key of keys) {
        this.string(key);
        this.value((value as Record<string, unknown>)[key]);
      }
      return;
    }
    const kind = (value as object).constructor as { buildOnlyFields?: unknown };
    if (!Object.hasOwn(kind, 'buildOnlyFields') || !isOpsOnly(kind)) throw new Undescribed();
    const buildOnly = kind.buildOnlyFields as readonly string[];
    const keys = Object.keys(value).filter((key) => !LAYER_BUILD_ONLY.has(key) && !buildOnly.includes(key));
    put(units, Tag.Layer);
    put(units, functionId(kind));
    put(units, keys.length);
    for (const key of keys) {
      this.string(key);
      this.value((value as Record<string, unknown>)[key]);
    }
  }

  private string(text: string): void {
    let id = stringIds.get(text);
    if (id === undefined && stringIds.size < MAX_STRINGS) stringIds.set(text, (id = stringIds.size));
    if (id !== undefined) {
      put(this.units, Tag.String);
      put(this.units, id);
      return;
    }
    put(this.units, Tag.LongString);
    put(this.units, text.length);
    for (let i = 0; i < text.length; i++) put(this.units, text.charCodeAt(i));
  }

  /** Describes `value` as its first position when met before; else numbers and keeps it. */
  private again(value: object): boolean {
    const at = this.seen.get(value);
    if (at !== undefined) {
      put(this.units, Tag.Again);
      put(this.units, at);
      return true;
    }
    this.seen.set(value, this.objects.length);
    this.objects.push(value);
    return false;
  }

  result(): Description {
    return { text: textOf(this.units), objects: this.objects };
  }
}

/** Runs a description's walk, or undefined when it meets a value it does not cover. */
export function describeWith(walk: (d: Describer) => void): Description | undefined {
  const describer = new Describer();
  try {
    walk(describer);
  } catch (error) {
    if (error instanceof Undescribed) return undefined;
    throw error;
  }
  return describer.result();
}
