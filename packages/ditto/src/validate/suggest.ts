/**
 * "Did you mean …?": the nearest valid name to a misspelt one, for error messages.
 *
 * @module
 */

/**
 * Keras (and scikit-learn) spellings whose ditto name is not the same word once case and
 * underscores are ignored (`batch_size` → `batchSize` needs no entry; `lr` → `learningRate` does).
 */
const RENAMES: Readonly<Record<string, string>> = {
  lr: 'learningRate',
  input_length: 'inputShape',
  random_state: 'seed',
};

/** A name without case, underscores, hyphens or spaces: `batch_size`, `BatchSize` → `batchsize`. */
function loose(name: string): string {
  return name.toLowerCase().replace(/[_\s-]/g, '');
}

/**
 * The optimal-string-alignment distance (Damerau–Levenshtein restricted to one edit per
 * substring): insertions, deletions, substitutions and transpositions of adjacent characters
 * each cost 1. Written here rather than taken from a package because it is fifteen lines and the
 * core keeps its dependencies few.
 *
 * @example
 * ```ts
 * editDistance('activaton', 'activation'); // 1
 * editDistance('vebrose', 'verbose');      // 1 (a transposition)
 * ```
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance between a's first i and b's first j characters.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2][j - 2] + 1);
      }
      rows[i][j] = best;
    }
  }
  return rows[a.length][b.length];
}

/** The most edits a suggestion may be away: short names allow fewer, so `x` suggests nothing. */
function maxEdits(length: number): number {
  return length <= 4 ? 1 : length <= 8 ? 2 : 3;
}

/**
 * The valid name nearest to `given`, or undefined when none is close: first a known rename
 * (`lr` → `learningRate`, `random_state` → `seed`), then the same word in another case or snake_case (`batch_size` →
 * `batchSize`), then the fewest edits within a small budget (`epoch` → `epochs`). Ties go to the
 * name listed first.
 *
 * @example
 * ```ts
 * nearestName('batch_size', ['epochs', 'batchSize']); // 'batchSize'
 * nearestName('zzz', ['epochs', 'batchSize']);        // undefined
 * ```
 */
export function nearestName(given: string, valid: readonly string[]): string | undefined {
  const renamed = Object.hasOwn(RENAMES, given) ? RENAMES[given] : undefined;
  if (renamed !== undefined && valid.includes(renamed)) return renamed;
  const target = loose(given);
  const same = valid.find((name) => loose(name) === target);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = maxEdits(target.length) + 1;
  for (const name of valid) {
    const distance = editDistance(target, loose(name));
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * ` (did you mean 'x'?)` for the nearest valid name, or `''` when none is close: the piece every
 * "unknown name" message appends.
 *
 * @example
 * ```ts
 * `unknown activation 'relux'${didYouMean('relux', ['relu', 'elu'])}`; // … (did you mean 'relu'?)
 * ```
 */
export function didYouMean(given: string, valid: readonly string[]): string {
  const name = nearestName(given, valid);
  return name === undefined ? '' : ` (did you mean '${name}'?)`;
}
