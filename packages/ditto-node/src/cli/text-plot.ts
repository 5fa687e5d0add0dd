/**
 * Box plots drawn with text, one row per series on a shared axis, readable in 80 columns.
 * Whiskers reach the most extreme values within 1.5 IQR of the box; points beyond are drawn as '∘'.
 */
import { describe as describeSample, log } from 'ditto/internal';

export interface Series {
  label: string;
  values: readonly number[];
}

function axisLabel(v: number): string {
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toPrecision(3) : v.toExponential(1);
}

/**
 * Returns the lines of a box plot: one row per series and an axis. With `log: true` (all values
 * must be positive) positions follow log(value), for metrics spread over orders of magnitude; the
 * quartiles and whiskers are still those of the values themselves.
 *
 * @example
 * ```ts
 * textBoxPlot([{ label: 'MSE', values: mses }]).forEach((l) => console.log(l));
 * ```
 */
export function textBoxPlot(
  series: readonly Series[],
  options: { width?: number; log?: boolean } = {},
): string[] {
  const width = options.width ?? 56;
  const labelWidth = Math.max(...series.map((s) => s.label.length));
  const all = series.flatMap((s) => [...s.values]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const useLog = options.log === true && lo > 0;
  const position = useLog ? log : (v: number) => v;
  const span = position(hi) - position(lo) || 1;
  const col = (v: number) => Math.round(((position(v) - position(lo)) / span) * (width - 1));
  const lines: string[] = [];
  for (const s of series) {
    const d = describeSample(s.values);
    const fenceLo = d.q1 - 1.5 * d.iqr;
    const fenceHi = d.q3 + 1.5 * d.iqr;
    const inside = s.values.filter((v) => v >= fenceLo && v <= fenceHi);
    const row = new Array<string>(width).fill(' ');
    const [wl, wh] = [col(Math.min(...inside)), col(Math.max(...inside))];
    for (let i = wl; i <= wh; i++) row[i] = '─';
    for (let i = col(d.q1); i <= col(d.q3); i++) row[i] = '█';
    row[wl] = '├';
    row[wh] = '┤';
    row[col(d.median)] = '┃';
    for (const v of s.values) if (v < fenceLo || v > fenceHi) row[col(v)] = '∘';
    lines.push(`${s.label.padStart(labelWidth)} ${row.join('')}`);
  }
  const axis = new Array<string>(width).fill('─');
  axis[0] = '└';
  axis[width - 1] = '┘';
  lines.push(`${' '.repeat(labelWidth)} ${axis.join('')}`);
  const left = axisLabel(lo);
  const right = axisLabel(hi);
  const gap = Math.max(1, width - left.length - right.length);
  const middle =
    useLog && gap >= 13 ? ' log scale '.padStart(Math.floor(gap / 2) + 5).padEnd(gap) : ' '.repeat(gap);
  lines.push(`${' '.repeat(labelWidth)} ${left}${middle}${right}`);
  return lines;
}
