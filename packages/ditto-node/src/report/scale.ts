/** The one scale rule shared by the terminal and HTML box plots. */

/**
 * Whether values spread over two or more orders of magnitude and are all positive: then box plots
 * use a log scale, where a skewed metric such as an MSE stays readable.
 */
export function wantsLogScale(series: readonly { values: readonly number[] }[]): boolean {
  const all = series.flatMap((s) => [...s.values]);
  if (all.length === 0 || all.some((v) => !(v > 0))) return false;
  return Math.max(...all) / Math.min(...all) >= 100;
}
