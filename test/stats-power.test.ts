// Power analysis: repeats per arm for a two-sided two-sample t-test. References: the closed normal
// formula computed separately in float64 (Python, scipy.stats.norm), and the exact noncentral-t
// answer (the smallest n whose power by scipy.stats.nct reaches the target, as G*Power computes
// it) — SciPy 1.10.1.
import { describe, expect, it } from 'vitest';
import { power } from '../packages/ditto/src/stats/index.js';

describe('power', () => {
  // [sd, difference, alpha, power, 2(z_{1−α/2} + z_power)²(σ/Δ)² by Python, exact n by scipy nct]
  const cases: [number, number, number, number, number, number][] = [
    [1, 0.2, 0.05, 0.8, 392.4439867174543, 394],
    [1, 0.5, 0.05, 0.8, 62.79103787479271, 64],
    [1, 0.8, 0.05, 0.8, 24.527749169840895, 26],
    [1, 0.5, 0.01, 0.9, 119.03509735398825, 121],
    [0.004, 0.0015, 0.05, 0.8, 111.62851177740926, 113],
  ];
  for (const [sd, difference, alpha, target, normal, exact] of cases) {
    it(`σ = ${sd}, Δ = ${difference}, α = ${alpha}, power ${target}: ${exact} per arm`, () => {
      const p = power({ sd, difference, alpha, power: target });
      expect(Math.abs(p.normalApproximation - normal)).toBeLessThanOrEqual(1e-12 * normal);
      // Guenther's correction brings the normal answer to the exact t-test's here.
      expect(p.repeatsPerArm).toBe(exact);
      expect(p.standardizedEffect).toBeCloseTo(difference / sd, 14);
    });
  }

  it("matches G*Power's published example (d = 0.5, two-tailed α = 0.05, power 0.8: 64 per group)", () => {
    const p = power({ sd: 2, difference: -1 });
    expect(p.repeatsPerArm).toBe(64);
    // Φ(0.5/√(2/64) − z_0.975) = 0.807429578813821 (scipy.stats.norm)
    expect(p.achievedPower).toBeCloseTo(0.807429578813821, 12);
    expect(p.assumption).toMatch(/same standard deviation/);
  });

  it('rejects what cannot size a comparison, naming it', () => {
    expect(() => power({ sd: 0, difference: 1 })).toThrow(
      /power: `sd` must be a positive finite number \(got 0\)/,
    );
    expect(() => power({ sd: 1, difference: 0 })).toThrow(/`difference` must be a nonzero finite number/);
    expect(() => power({ sd: 1, difference: 1, alpha: 1 })).toThrow(/`alpha`/);
    expect(() => power({ sd: 1, difference: 1, power: 0 })).toThrow(/`power`/);
  });
});
