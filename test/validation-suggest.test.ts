/**
 * The suggestion mechanism behind every "unknown option/name" error: the edit distance against an
 * independent reference and published values, and properties (fast-check) over the real option
 * lists read back from the errors themselves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { Adam } from '../packages/ditto/src/optimizers/index.js';
import { checkOptions, didYouMean, editDistance, nearestName } from '../packages/ditto/src/validate/index.js';

/**
 * Reference: the optimal-string-alignment distance by its recursive definition (memoised), a
 * different formulation from the library's bottom-up table.
 */
function referenceDistance(a: string, b: string): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const id = `${i},${j}`;
    const known = memo.get(id);
    if (known !== undefined) return known;
    let best = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
      best = Math.min(best, d(i - 2, j - 2) + 1);
    memo.set(id, best);
    return best;
  };
  return d(a.length, b.length);
}

/** The valid option names a function lists when given an unknown key. */
function validNamesOf(call: (options: object) => unknown): string[] {
  try {
    call({ zzzzzzzzzz: 1 });
  } catch (error) {
    const match = /valid options: (.*)$/.exec((error as Error).message);
    if (match) return match[1].split(', ');
  }
  throw new Error('the call did not list its valid options');
}

const OPTION_LISTS: Record<string, string[]> = {
  Dense: validNamesOf((o) => new Dense(1, o)),
  Adam: validNamesOf((o) => new Adam(o)),
  compile: validNamesOf((o) => new Sequential().compile(o as never)),
  evaluate: validNamesOf((o) => new Sequential().evaluate([1], [1], o)),
};

const lowerWord = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'.split('')),
  maxLength: 9,
});

describe('editDistance', () => {
  it('gives the published values', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('ca', 'abc')).toBe(3); // 2 for unrestricted Damerau–Levenshtein, 3 for OSA
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('equals the recursive reference, and is symmetric', () => {
    fc.assert(
      fc.property(lowerWord, lowerWord, (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(referenceDistance(a, b));
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { numRuns: 300, seed: 15 },
    );
  });
});

describe('nearestName over the real option lists', () => {
  const lists = Object.entries(OPTION_LISTS);
  const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

  it('reads non-trivial lists from the errors', () => {
    expect(OPTION_LISTS.Dense).toEqual(expect.arrayContaining(['activation', 'inputDim', 'seed']));
    expect(OPTION_LISTS.Adam).toEqual(expect.arrayContaining(['learningRate', 'beta1', 'epsilon']));
  });

  it("maps Keras's snake_case and any capitalisation of every option to its camelCase name", () => {
    for (const [, valid] of lists) {
      for (const name of valid) {
        expect(nearestName(snake(name), valid)).toBe(name);
        expect(nearestName(name.toUpperCase(), valid)).toBe(name);
      }
    }
  });

  it('suggests, for one edit of a name of 5+ letters, a name at most as far as the original', () => {
    const typo = fc
      .constantFrom(
        ...lists.flatMap(([, valid]) => valid.filter((n) => n.length >= 5).map((n) => [n, valid] as const)),
      )
      .chain(([name, valid]) =>
        fc
          .record({
            kind: fc.constantFrom('delete', 'insert', 'substitute', 'transpose'),
            at: fc.nat({ max: name.length - 2 }),
            letter: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('')),
          })
          .map(({ kind, at, letter }) => {
            const edited =
              kind === 'delete'
                ? name.slice(0, at) + name.slice(at + 1)
                : kind === 'insert'
                  ? name.slice(0, at) + letter + name.slice(at)
                  : kind === 'substitute'
                    ? name.slice(0, at) + letter + name.slice(at + 1)
                    : name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2);
            return { name, valid, edited };
          }),
      );
    fc.assert(
      fc.property(typo, ({ name, valid, edited }) => {
        fc.pre(!valid.includes(edited));
        const suggestion = nearestName(edited, valid);
        expect(suggestion).toBeDefined();
        const loose = (s: string) => s.toLowerCase();
        expect(editDistance(loose(edited), loose(suggestion as string))).toBeLessThanOrEqual(
          editDistance(loose(edited), loose(name)),
        );
        expect(() => checkOptions('f', { [edited]: 1 }, valid)).toThrow(
          `f: unknown option ${JSON.stringify(edited)} (did you mean '${suggestion}'?)`,
        );
      }),
      { numRuns: 400, seed: 15 },
    );
  });

  it('accepts every subset of valid keys and rejects any other key, naming it', () => {
    const [, valid] = lists[0];
    fc.assert(
      fc.property(fc.subarray(valid), fc.string({ minLength: 1, maxLength: 12 }), (keys, extra) => {
        const options = Object.fromEntries(keys.map((k) => [k, undefined]));
        expect(() => checkOptions('f', options, valid)).not.toThrow();
        fc.pre(!valid.includes(extra) && extra !== '__proto__');
        expect(() => checkOptions('f', { ...options, [extra]: 1 }, valid)).toThrow(
          `f: unknown option ${JSON.stringify(extra)}`,
        );
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('suggests nothing for a name far from every valid one', () => {
    expect(didYouMean('x', ['epochs', 'batchSize'])).toBe('');
    expect(didYouMean('momentumm', ['epochs', 'batchSize'])).toBe('');
    expect(nearestName('zzzzzzzzzz', OPTION_LISTS.Dense)).toBeUndefined();
  });
});
