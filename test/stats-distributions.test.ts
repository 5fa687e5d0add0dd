// The hand-written distributions (packages/ditto/src/stats/distributions.ts) against mpmath 1.2.1 at
// 40 digits: betainc for Student's t, ncdf, gammainc for chi-square, and the quantiles as mpmath's
// roots of those CDFs (Newton's method on log CDF at 40 digits), rounded to double.
import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
} from '../packages/ditto/src/stats/distributions.js';

function close(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('tCdf = mpmath betainc(df/2, 1/2, 0, df/(df+x²))/2', () => {
  const cases = [
    [-0.4414053944478471, 6.0057303079354245, 0.33718378024150936],
    [-2.284018703477633, 56.56745345839203, 0.013072199043762377],
    [-12, 3, 0.0006225079003946683],
    [-10000000000.0, 1, 3.1830988618379065e-11],
    [0.7, 2, 0.7218034876835673],
    [-40, 29, 3.173438664864674e-27],
  ];
  for (const [x, df, ref] of cases) it(`t(${df}) at ${x}`, () => close(tCdf(x, df), ref, 1e-13));
  it('keeps 1e-12 at df = 10⁴', () => close(tCdf(-3, 1e4), 0.0013532240949988331, 1e-12));
  it('is symmetric and handles the ends', () => {
    expect(tCdf(0, 7)).toBe(0.5);
    close(tCdf(1.3, 7.5), 1 - tCdf(-1.3, 7.5), 1e-15);
    expect(tCdf(Number.NEGATIVE_INFINITY, 3)).toBe(0);
    expect(tCdf(Number.POSITIVE_INFINITY, 3)).toBe(1);
    expect(tCdf(Number.NaN, 3)).toBeNaN();
    expect(tCdf(1, 0)).toBeNaN();
    expect(tCdf(-1.5, Number.POSITIVE_INFINITY)).toBe(normalCdf(-1.5));
  });
});

describe('tQuantile = root of the mpmath t CDF', () => {
  const cases = [
    [0.975, 29, 2.045229642132704],
    [0.025000000000000022, 1, -12.706204736174694],
    [0.995, 2, 9.92484320091829],
    [1e-20, 4.5, -40222.12836181788],
    [0.3, 200, -0.5252373340155535],
    [0.05, 100000.0, -1.6448688647849696],
  ];
  for (const [p, df, ref] of cases) it(`t(${df}) at p = ${p}`, () => close(tQuantile(p, df), ref, 1e-12));
  it('reaches the far tail (p = 1e-300 at df = 1 is −1/(π·1e-300))', () => {
    close(tQuantile(1e-300, 1), -1 / (Math.PI * 1e-300), 1e-12);
  });
  it('handles the ends and bad arguments', () => {
    expect(tQuantile(0.5, 3)).toBe(0);
    expect(tQuantile(0, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(tQuantile(1, 3)).toBe(Number.POSITIVE_INFINITY);
    for (const p of [-0.1, 1.1, Number.NaN]) expect(tQuantile(p, 3)).toBeNaN();
    expect(tQuantile(0.9, -1)).toBeNaN();
  });
});

describe('normalCdf = mpmath ncdf, normalQuantile = its root', () => {
  const cdf = [
    [-37.5, 4.605353009581955e-308],
    [-8, 6.220960574271784e-16],
    [-1.5, 0.06680720126885807],
    [-0.3, 0.3820885778110474],
    [0.6, 0.7257468822499265],
    [2.5, 0.9937903346742238],
  ];
  for (const [x, ref] of cdf) it(`Φ(${x})`, () => close(normalCdf(x), ref, 1e-14));
  const quantiles = [
    [1e-300, -37.0470962993612],
    [1e-9, -5.9978070150076865],
    [0.025, -1.9599639845400543],
    [0.6, 0.2533471031357997],
    [0.999999, 4.753424308817087],
  ];
  for (const [p, ref] of quantiles) it(`Φ⁻¹(${p})`, () => close(normalQuantile(p), ref, 1e-14));
  it('handles the ends', () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(2)).toBeNaN();
  });
});

describe('chiSquareSf = mpmath gammainc(df/2, x/2, ∞, regularized)', () => {
  const cases = [
    [1.5, 1, 0.2206713619198468],
    [5.991464547107979, 2, 0.05000000000000007],
    [300, 3, 9.94875834632771e-65],
    [0.01, 10, 0.999999999999974],
    [50, 40, 0.1335748340856504],
  ];
  for (const [x, df, ref] of cases) it(`χ²(${df}) above ${x}`, () => close(chiSquareSf(x, df), ref, 1e-13));
  it('handles the ends', () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(Number.POSITIVE_INFINITY, 3)).toBe(0);
    expect(chiSquareSf(2, 0)).toBeNaN();
  });
});
