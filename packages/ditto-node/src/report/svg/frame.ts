/**
 * The outer <svg> of every chart: a viewBox that scales to its container, an accessible name
 * (role img, <title>) and a description that states the numbers for screen readers.
 *
 * @module
 */

import { element, escapeXml, text } from './markup.js';
import { FONT, FONT_SIZE, MUTED, TEXT } from './style.js';

/** A chart's outer element around `content`. */
export function frame(
  width: number,
  height: number,
  title: string,
  description: string,
  className: string,
  ...content: string[]
): string {
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': title,
      class: `chart ${className}`,
      'font-family': FONT,
      'font-size': FONT_SIZE,
      fill: TEXT,
    },
    element('title', {}, escapeXml(title)),
    element('desc', {}, escapeXml(description)),
    ...content,
  );
}

/** The placeholder drawn where a chart has no data yet. */
export function emptyMessage(width: number, height: number, message = 'no runs yet'): string {
  return text(message, { x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: MUTED, class: 'empty' });
}
