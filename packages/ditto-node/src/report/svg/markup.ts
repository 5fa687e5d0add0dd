/**
 * SVG as strings: one element builder with escaping, shared by every chart, so the same markup can
 * be inlined in the offline HTML report and parsed into the playground's DOM.
 *
 * @module
 */

/** Attribute values; `undefined` leaves the attribute out, numbers are rounded to 0.01 px. */
export type Attributes = Record<string, string | number | undefined>;

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate as short, stable text (two decimals at most, no "-0"). */
export function px(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

/**
 * One element as a string; children are markup already (use {@link escapeXml} for text).
 *
 * @example
 * ```ts
 * element('line', { x1: 0, x2: 10, y1: 5, y2: 5, class: 'grid' }); // '<line x1="0" … class="grid"/>'
 * ```
 */
export function element(name: string, attributes: Attributes = {}, ...children: string[]): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === 'number' ? px(value) : escapeXml(value)}"`)
    .join('');
  return children.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>${children.join('')}</${name}>`;
}

/** A text element (the content is escaped). */
export function text(content: string, attributes: Attributes = {}): string {
  return element('text', attributes, escapeXml(content));
}

/** A polyline's or path's points as "x,y x,y …". */
export function points(xy: ReadonlyArray<readonly [number, number]>): string {
  return xy.map(([x, y]) => `${px(x)},${px(y)}`).join(' ');
}
