import { it } from 'vitest';

/** True under CI: `CI` set to anything but '', '0' or 'false' (.ci/run sets CI=true). */
export const underCI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

/**
 * For `it.skipIf(…)` / `describe.skipIf(…)` on a test that needs something from outside the
 * project (NumPy, wabt, Chromium, WebAssembly SIMD): true — skip — when it is missing on a
 * developer's machine. Under CI (`CI` set, as .ci/run sets it) nothing may be skipped: a missing
 * requirement registers a failing test, in the same place, that names it and how to install it.
 *
 * @example
 * const numpy = spawnSync('python3', ['-c', 'import numpy']).status === 0;
 * it.skipIf(missing('NumPy', numpy, 'apt-get install python3-numpy'))('agrees with NumPy', () => {});
 */
export function missing(what: string, available: boolean, install: string): boolean {
  if (available) return false;
  if (underCI) {
    it(`has ${what} (CI runs every test)`, () => {
      throw new Error(`${what} is missing, and CI skips no test: ${install} (see .ci/run)`);
    });
  }
  return true;
}
