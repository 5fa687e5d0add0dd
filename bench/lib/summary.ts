/** Summaries of timing samples: the median with its quartiles, as the benchmark reports them. */

export interface Summary {
  /** Median of the samples. */
  median: number;
  /** 25th and 75th percentiles (linear interpolation between order statistics). */
  p25: number;
  p75: number;
  /** The best sample (on a shared machine, other processes only ever add time). */
  min: number;
  max: number;
  /** Number of samples. */
  n: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Median and quartiles of the samples. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    n: sorted.length,
  };
}

/** Milliseconds of wall-clock time `fn` takes. */
export async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
