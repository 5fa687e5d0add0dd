/**
 * Numbers and fields as Keras's CSVLogger writes them through Python's `csv` module: a float as
 * Python's `repr` (shortest round-trip digits, scientific below 1e-4 and from 1e16, '1e-05' with two
 * exponent digits, integers as '3.0'), fields quoted only when they need it, rows ended by '\r\n'.
 */

/** Python's `repr(float(x))`. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives the shortest digits that round-trip, as repr does.
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const text = String(x); // JavaScript writes plain digits in this range, as repr does
  return Number.isInteger(x) ? `${text}.0` : text;
}

/** One field, quoted as csv.excel quotes (QUOTE_MINIMAL) when it holds the separator, a quote or a line break. */
export function csvField(text: string, separator: string): string {
  if (text.includes(separator) || text.includes('"') || text.includes('\n') || text.includes('\r')) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

/** One row of fields, ended by '\r\n' (csv.excel's line terminator). */
export function csvRow(fields: readonly string[], separator: string): string {
  return `${fields.map((f) => csvField(f, separator)).join(separator)}\r\n`;
}
