/**
 * The structure of a numbered trace as a short string: the key plans are kept by (program.ts,
 * keepPlan / cachedPlan). It describes every call's kernel signature, input count, effect flag and
 * buffer numbers, every buffer's role, type and length, the inputs and the results — no object
 * identity — so two traces with the same description make the same plan, whoever traced them (a
 * new model of the same architecture, shapes and optimizer).
 *
 * It is computed for every owner's first trace (each fit of the tutorial builds a new model), so
 * it is built from numbers rather than text: each distinct signature gets a number once per
 * process, and the list of numbers becomes a string by a prefix-free code (`put`).
 */
import type { Buffer } from './primitive.js';
import type { Numbering, Role } from './program.js';

/** Signatures numbered so far; past this many, a new signature is written out as text instead. */
const MAX_SIGNATURES = 1 << 16;
const signatureIds = new Map<string, number>();

const ROLE_CODES: Readonly<Record<Role, number>> = { input: 0, internal: 1, external: 2 };

/** Appends a buffer's type (a Float32Array and a Float64Array of one length differ). */
function writeType(out: number[], b: Buffer): void {
  if (b instanceof Float32Array) put(out, 0);
  else if (b instanceof Float64Array) put(out, 1);
  else if (b instanceof Int32Array) put(out, 2);
  else {
    put(out, 3);
    writeSignature(out, (b as object).constructor.name);
  }
}

/** Appends a signature: its number, or (table full) a marker, its length and its character codes. */
function writeSignature(out: number[], signature: string): void {
  let id = signatureIds.get(signature);
  if (id === undefined && signatureIds.size < MAX_SIGNATURES) {
    id = signatureIds.size;
    signatureIds.set(signature, id);
  }
  if (id !== undefined) {
    put(out, id + 1);
    return;
  }
  put(out, 0);
  put(out, signature.length);
  for (let i = 0; i < signature.length; i++) put(out, signature.charCodeAt(i));
}

/**
 * The key of a numbered trace whose step returns `results`, or undefined when a result is no
 * call's output (such a step is never replayed).
 */
export function structureOf(numbering: Numbering, results: readonly Buffer[]): string | undefined {
  const { nodes, buffers, roles, inputIndex } = numbering;
  const out: number[] = [];
  put(out, nodes.length);
  for (const { call, ids } of nodes) {
    writeSignature(out, call.signature);
    put(out, call.inputCount);
    put(out, call.effect === true ? 1 : 0);
    put(out, ids.length);
    for (const id of ids) put(out, id);
  }
  put(out, buffers.length);
  for (let id = 0; id < buffers.length; id++) {
    put(out, ROLE_CODES[roles[id]]);
    writeType(out, buffers[id]);
    put(out, buffers[id].length);
  }
  put(out, inputIndex.size);
  for (const [id, k] of inputIndex) {
    put(out, id);
    put(out, k);
  }
  put(out, results.length);
  for (const r of results) {
    const id = buffers.indexOf(r);
    if (id < 0 || roles[id] === 'external') return undefined;
    put(out, id);
  }
  return textOf(out);
}

/**
 * Appends a non-negative integer below 2^53 by a prefix-free code (so different lists of numbers
 * give different strings): a value below 2^15 is one character; a larger one is its base-2^15
 * digits, most significant first, each but the last with the high bit set.
 */
export function put(units: number[], value: number): void {
  if (value < 0x8000) {
    units.push(value);
    return;
  }
  let scale = 0x8000;
  while (value / scale >= 0x8000) scale *= 0x8000;
  for (; scale >= 0x8000; scale /= 0x8000) units.push(0x8000 | (Math.floor(value / scale) % 0x8000));
  units.push(value % 0x8000);
}

/** The string of these UTF-16 code units (in chunks: an argument list has an engine limit). */
export function textOf(units: readonly number[]): string {
  const CHUNK = 4096;
  let text = '';
  for (let i = 0; i < units.length; i += CHUNK) text += String.fromCharCode(...units.slice(i, i + CHUNK));
  return text;
}

/** A list of numbers by the code structure keys are written in (exported for its test). */
export function codeOf(values: readonly number[]): string {
  const units: number[] = [];
  for (const value of values) put(units, value);
  return textOf(units);
}
