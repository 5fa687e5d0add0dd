/**
 * The structure key plans are kept by (engine/structure.ts): two numbered traces get the same key
 * exactly when their descriptions are equal — every call's signature, input count, effect flag
 * and buffer numbers, every buffer's role, type and length, the inputs and the results. The
 * reference here is that description written out as JSON.
 */
import { describe, expect, it } from 'vitest';
import type { Buffer, PrimitiveCall } from '../packages/ditto/src/engine/primitive.js';
import { type Numbering, numberTrace } from '../packages/ditto/src/engine/program.js';
import { codeOf, structureOf } from '../packages/ditto/src/engine/structure.js';

/** A small deterministic generator (xorshift32) for the random traces. */
function generator(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const LENGTHS = [1, 2, 3, 0x7fff, 0x8000, 0x8001, 0x3fffffff, 0x40000000, 2 ** 31 - 1];
const SIGNATURES = ['matmul:9,1,10,false,false', 'binary:add:10,1:0,1:9,10', 'unary:relu:0:90', 'fill:1:1'];

/** A buffer of a type and length without allocating the length (the key reads only these two). */
function fakeBuffer(type: number, length: number): Buffer {
  const Ctor = [Float32Array, Float64Array, Int32Array][type];
  const b = new Ctor(1);
  Object.defineProperty(b, 'length', { value: length });
  return b as Buffer;
}

interface RandomTrace {
  numbering: Numbering;
  results: Buffer[];
}

function randomTrace(random: (n: number) => number): RandomTrace {
  const pool: Buffer[] = [];
  const bufferCount = 1 + random(5);
  for (let i = 0; i < bufferCount; i++) pool.push(fakeBuffer(random(3), LENGTHS[random(LENGTHS.length)]));
  const inputs = pool.slice(0, random(2));
  const calls: PrimitiveCall[] = [];
  const callCount = 1 + random(3);
  for (let c = 0; c < callCount; c++) {
    const used = Array.from({ length: 1 + random(3) }, () => pool[random(pool.length)]);
    calls.push({
      kernel: 'k',
      signature: SIGNATURES[random(SIGNATURES.length)],
      buffers: used,
      inputCount: random(used.length + 1),
      work: 1,
      effect: random(2) === 1,
      run: () => {},
    });
  }
  const numbering = numberTrace({ calls, inputs, results: [] });
  const results = numbering.buffers.filter((_, id) => numbering.roles[id] === 'internal').slice(0, random(3));
  return { numbering, results };
}

/** The reference: the structure written out in full. */
function description({ numbering, results }: RandomTrace): string {
  return JSON.stringify({
    calls: numbering.nodes.map((n) => [n.call.signature, n.call.inputCount, n.call.effect === true, n.ids]),
    buffers: numbering.buffers.map((b, id) => [numbering.roles[id], b.constructor.name, b.length]),
    inputs: [...numbering.inputIndex],
    results: results.map((r) => numbering.buffers.indexOf(r)),
  });
}

describe('structure keys', () => {
  it('code lists of numbers without collisions (every list of up to 4 values from 11 of them)', () => {
    const values = [0, 1, 2, 0x7fff, 0x8000, 0x8001, 0xffff, 2 ** 30, 2 ** 30 + 1, 2 ** 45 + 3, 2 ** 53 - 1];
    const seen = new Map<string, string>();
    const visit = (list: number[]) => {
      const code = codeOf(list);
      const before = seen.get(code);
      if (before !== undefined) expect(list.join(',')).toBe(before);
      seen.set(code, list.join(','));
      if (list.length < 4) for (const v of values) visit([...list, v]);
    };
    visit([]);
    expect(seen.size).toBe(1 + 11 + 11 ** 2 + 11 ** 3 + 11 ** 4);
  });

  it('are equal exactly when the structures are (2,000 random traces, lengths around 2^15 and 2^30)', () => {
    const random = generator(2026);
    const byDescription = new Map<string, string>();
    const byKey = new Map<string, string>();
    for (let i = 0; i < 2000; i++) {
      const trace = randomTrace(random);
      const key = structureOf(trace.numbering, trace.results);
      const text = description(trace);
      expect(key).toBeDefined();
      const seenKey = byDescription.get(text);
      if (seenKey !== undefined) expect(key).toBe(seenKey);
      const seenText = byKey.get(key as string);
      if (seenText !== undefined) expect(text).toBe(seenText);
      byDescription.set(text, key as string);
      byKey.set(key as string, text);
    }
    // The generator repeats some structures and not others: both halves of the claim were tested.
    expect(byDescription.size).toBeGreaterThan(200);
    expect(byDescription.size).toBeLessThan(2000);
  });

  it('stay exact once the signature table is full (signatures then written out as text)', () => {
    const keyOf = (signature: string) => {
      const out = new Float32Array(1);
      const call: PrimitiveCall = {
        kernel: 'k',
        signature,
        buffers: [out],
        inputCount: 0,
        work: 1,
        run: () => {},
      };
      return structureOf(numberTrace({ calls: [call], inputs: [], results: [] }), [out]);
    };
    const early = keyOf('early');
    for (let i = 0; i < 70_000; i++) keyOf(`filler:${i}`);
    expect(keyOf('early')).toBe(early);
    const long = 'x'.repeat(40_000);
    expect(keyOf('late:a')).toBe(keyOf('late:a'));
    expect(keyOf('late:a')).not.toBe(keyOf('late:b'));
    expect(keyOf(long)).toBe(keyOf(long));
    expect(keyOf(long)).not.toBe(keyOf(`${long}y`));
    expect(keyOf('late:a')).not.toBe(early);
  });

  it('is undefined when a result is no call output', () => {
    const a = new Float32Array(2);
    const out = new Float32Array(2);
    const call: PrimitiveCall = {
      kernel: 'k',
      signature: 's',
      buffers: [a, out],
      inputCount: 1,
      work: 1,
      run: () => {},
    };
    const numbering = numberTrace({ calls: [call], inputs: [], results: [] });
    expect(structureOf(numbering, [out])).toBeDefined();
    expect(structureOf(numbering, [a])).toBeUndefined();
    expect(structureOf(numbering, [new Float32Array(2)])).toBeUndefined();
  });
});
