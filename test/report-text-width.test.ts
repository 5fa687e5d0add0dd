// The charts' label widths (report/svg/style.ts textWidth) against two independent references:
// Adobe's published Helvetica AFM advance widths (Arial's are the same) and what Debian's Chromium
// renders with the chart font. A too-narrow estimate clips the box plot's bold row labels on the left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxPlotSvg } from '../packages/ditto-node/src/report/index.js';
import { FONT, textWidth } from '../packages/ditto-node/src/report/svg/style.js';
import { type Browser, chromiumUnavailable, launchChromium, type Page } from './cross-runtime/chromium.js';

// Helvetica.afm and Helvetica-Bold.afm (Adobe Core 14), WX of each character in 1/1000 em.
const HELVETICA = {
  capitals: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  regular: {
    capitals: [
      667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
      667, 944, 667, 667, 611,
    ],
    lowercase: [
      556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556,
      500, 722, 500, 500, 500,
    ],
    digit: 556,
  },
  bold: {
    capitals: [
      722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
      667, 944, 667, 667, 611,
    ],
    lowercase: [
      556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611,
      556, 778, 556, 556, 500,
    ],
    digit: 556,
  },
} as const;

const LABELS = [
  'CNN 2×CONV2D WITH BATCHNORM', // bold capitals and digits: what clipped in docs/report-digits-screenshot.png
  'CNN 2×Conv2D',
  'MLP 64→32→10',
  'WWW MMM 0123456789',
  'wide mmm www and narrow iii lll',
];

describe('textWidth against Helvetica/Arial published advance widths', () => {
  for (const weight of ['regular', 'bold'] as const) {
    it(`is at least Helvetica's width of every capital, lowercase letter and digit (${weight})`, () => {
      const fontWeight = weight === 'bold' ? 700 : 400;
      const widths = HELVETICA[weight];
      [...HELVETICA.capitals].forEach((capital, i) => {
        expect(textWidth(capital, 1000, fontWeight), capital).toBeGreaterThanOrEqual(widths.capitals[i]);
        const lower = capital.toLowerCase();
        expect(textWidth(lower, 1000, fontWeight), lower).toBeGreaterThanOrEqual(widths.lowercase[i]);
      });
      for (const digit of '0123456789') {
        expect(textWidth(digit, 1000, fontWeight), digit).toBeGreaterThanOrEqual(widths.digit);
      }
    });
  }

  it('sums per character, scales with the font size, and counts weight 600 as bold', () => {
    // Helvetica-Bold: W 944 + M 833 + 0 556 = 2333 thousandths; at 12 px that is 28 px at least.
    expect(textWidth('WM0', 12, 600)).toBeGreaterThanOrEqual(2.333 * 12);
    expect(textWidth('WM0', 24, 600)).toBeCloseTo(2 * textWidth('WM0', 12, 600), 10);
    expect(textWidth('WM0', 12, 600)).toBe(textWidth('WM0', 12, 700));
    expect(textWidth('WM0', 12, 600)).toBeGreaterThan(textWidth('WM0', 12, 400));
    expect(textWidth('', 12)).toBe(0);
  });
});

describe('textWidth against what Chromium renders in the chart font', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const unavailable = await chromiumUnavailable();
    if (unavailable) throw new Error(`the label-width test needs Chromium: ${unavailable}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto('about:blank');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** The rendered width of each label as SVG text at `fontSize` and `fontWeight` in FONT. */
  async function rendered(
    labels: readonly string[],
    fontSize: number,
    fontWeight: number,
  ): Promise<number[]> {
    return page.evaluate(
      ({ labels, font, fontSize, fontWeight }) => {
        const ns = 'http://www.w3.org/2000/svg';
        const svg = document.createElementNS(ns, 'svg');
        document.body.append(svg);
        const widths = labels.map((label) => {
          const node = document.createElementNS(ns, 'text');
          node.setAttribute('font-family', font);
          node.setAttribute('font-size', String(fontSize));
          node.setAttribute('font-weight', String(fontWeight));
          node.textContent = label;
          svg.append(node);
          return node.getComputedTextLength();
        });
        svg.remove();
        return widths;
      },
      { labels, font: FONT, fontSize, fontWeight },
    );
  }

  for (const [fontSize, fontWeight] of [
    [12, 600],
    [11, 400],
  ] as const) {
    it(`is at least the rendered width, and within 30 % of it (${fontSize} px, weight ${fontWeight})`, async () => {
      const widths = await rendered(LABELS, fontSize, fontWeight);
      LABELS.forEach((label, i) => {
        expect(widths[i], label).toBeGreaterThan(0);
        expect(textWidth(label, fontSize, fontWeight), label).toBeGreaterThanOrEqual(widths[i]);
        // Not a constant grown until it fits: an estimate far above the truth wastes the chart's width.
        expect(textWidth(label, fontSize, fontWeight), label).toBeLessThanOrEqual(widths[i] * 1.3);
      });
    });
  }

  it("leaves the box plot's bold row labels inside the chart", async () => {
    const labels = ['CNN 2×CONV2D WITH BATCHNORM', 'MLP 64→32→10'];
    const svg = boxPlotSvg(
      'accuracy',
      labels.map((label, i) => ({ label, values: [0.9 + i * 0.01, 0.93, 0.95] })),
    );
    const lefts = await page.evaluate((markup) => {
      document.body.innerHTML = markup;
      const chart = document.querySelector('svg') as SVGSVGElement;
      const chartLeft = chart.getBoundingClientRect().left;
      return Array.from(chart.querySelectorAll('.group-label')).map(
        (node) => node.getBoundingClientRect().left - chartLeft,
      );
    }, svg);
    expect(lefts).toHaveLength(2);
    for (const left of lefts) expect(left).toBeGreaterThanOrEqual(0);
  });
});
