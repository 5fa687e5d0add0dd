/**
 * Prints the accuracy (and a rough speed) of ditto's deterministic elementary functions — the table
 * in docs/elementary-functions.md.
 *
 *   npx tsx scripts/measure-elementary.ts            # accuracy table
 *   npx tsx scripts/measure-elementary.ts --speed    # plus ns per call next to the engine's Math.*
 *   npx tsx scripts/measure-elementary.ts --dump FILE # also write float64 inputs and results to FILE
 *   python3 scripts/gen-elementary-refs.py ulps FILE  # then: their error in double ulps (mpmath)
 *
 * Accuracy: exp … softplus on the same ≥ 10^6 float32 inputs as test/elementary.test.ts against
 * Math.fround(float64 Math reference); erf and erfinv on the mpmath references of
 * test/fixtures/elementary-erf.json. float64 relative error on 10^6 double inputs (erf, erfinv: the
 * fixture's 2000 double inputs each).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  erf,
  erfinv,
  exp,
  expm1,
  log,
  log1p,
  sigmoid,
  softplus,
  tanh,
} from '../packages/ditto/src/numeric/elementary.js';
import { float32FromBits, ulpDistance32 } from '../packages/ditto/src/numeric/ulp.js';
import { CASES, measure32, measure64, xorshift32 } from '../test/elementary-cases.js';

interface Row {
  name: string;
  inputs: number;
  maxUlp: number;
  correct: number;
  maxRel64: number;
}

const rows: Row[] = [];
for (const c of CASES) {
  const r = measure32(c.f, c.ref, c.inputs32());
  const r64 = measure64(c.f, c.ref, c.range64, 1_000_000, 2024);
  rows.push({
    name: c.name,
    inputs: r.count,
    maxUlp: r.maxUlp,
    correct: 1 - r.notCorrectlyRounded / r.count,
    maxRel64: r64.maxRel,
  });
}

const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/elementary-erf.json', import.meta.url), 'utf8'),
);
for (const [name, f] of [
  ['erf', erf],
  ['erfinv', erfinv],
] as const) {
  const { x32, ref } = fixture[name] as { x32: number[]; ref: number[] };
  let maxUlp = 0;
  let wrong = 0;
  for (let i = 0; i < x32.length; i++) {
    const d = ulpDistance32(Math.fround(f(float32FromBits(x32[i]))), Math.fround(ref[i]));
    maxUlp = Math.max(maxUlp, d);
    if (d) wrong++;
  }
  const d64 = fixture[`${name}64`] as { x: number[]; ref: number[] };
  let maxRel64 = 0;
  for (let i = 0; i < d64.x.length; i++) {
    const r = d64.ref[i];
    if (Math.abs(r) >= 2.2250738585072014e-308)
      maxRel64 = Math.max(maxRel64, Math.abs(f(d64.x[i]) - r) / Math.abs(r));
  }
  rows.push({ name, inputs: x32.length, maxUlp, correct: 1 - wrong / x32.length, maxRel64 });
}

console.log(
  '| function | float32 inputs | max error (float32 ulps) | correctly rounded | max float64 relative error |',
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const pct = `${(100 * r.correct).toFixed(4)} %`;
  console.log(
    `| ${r.name} | ${r.inputs.toLocaleString('en-US')} | ${r.maxUlp} | ${pct} | ${r.maxRel64.toExponential(2)} |`,
  );
}

if (process.argv.includes('--speed')) {
  // CPU time per call over a 64k-element array, each function in its own monomorphic loop; noisy on
  // a shared machine, so read it as an order of magnitude next to the engine's own Math function.
  const n = 1 << 16;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = Math.fround(-20 + (40 * ((i * 2654435761) % n)) / n);
  const positive = xs.map((v) => Math.abs(v) + 1e-3);
  const unit = xs.map((v) => v / 20.0001);
  const out = new Float64Array(n);
  const time = (f: (x: number) => number, inp: Float64Array): number => {
    // determinism-ok: a fresh function per benchmark keeps each call site monomorphic
    const loop = new Function(
      'f',
      'inp',
      'out',
      'n',
      'for (let i = 0; i < n; i++) out[i] = Math.fround(f(inp[i]));',
    );
    for (let r = 0; r < 30; r++) loop(f, inp, out, n);
    let best = Number.POSITIVE_INFINITY;
    for (let rep = 0; rep < 5; rep++) {
      const c0 = process.cpuUsage();
      for (let r = 0; r < 40; r++) loop(f, inp, out, n);
      const c = process.cpuUsage(c0);
      best = Math.min(best, ((c.user + c.system) * 1e3) / (40 * n));
    }
    return best;
  };
  // determinism-ok: engine functions timed for comparison only
  const engine: Record<string, (x: number) => number> = {
    exp: Math.exp,
    expm1: Math.expm1,
    log: Math.log,
    log1p: Math.log1p,
    tanh: Math.tanh,
  };
  const inputsOf: Record<string, Float64Array> = { log: positive, log1p: positive, erfinv: unit };
  console.log('\n| function | ns/call (ditto) | ns/call (engine Math) |');
  console.log('| --- | ---: | ---: |');
  const ditto: Record<string, (x: number) => number> = {
    exp,
    expm1,
    log,
    log1p,
    tanh,
    sigmoid,
    softplus,
    erf,
    erfinv,
  };
  for (const name of Object.keys(ditto)) {
    const inp = inputsOf[name] ?? xs;
    const ours = time(ditto[name], inp);
    const theirs = engine[name] ? time(engine[name], inp).toFixed(1) : '—';
    console.log(`| ${name} | ${ours.toFixed(1)} | ${theirs} |`);
  }
}

const dumpAt = process.argv.indexOf('--dump');
if (dumpAt > 0) {
  // 10^4 float64 inputs per function (half over the whole useful range, half where the function
  // varies most), with ditto's results, for an exact comparison against mpmath in Python.
  const next = xorshift32(77);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * ((next() + next() / 4294967296) / 4294967296);
  const logUniform = (lo: number, hi: number) => {
    const l = log(lo);
    return exp(l + (log(hi) - l) * uniform(0, 1));
  };
  const nearOne = () => (next() & 1 ? 1 : -1) * (1 - 2 ** -uniform(1, 53));
  const plan: [string, (x: number) => number, () => number, () => number][] = [
    ['exp', exp, () => uniform(-745, 709.7), () => uniform(-2, 2)],
    ['expm1', expm1, () => uniform(-40, 709.7), () => uniform(-1, 1)],
    ['log', log, () => logUniform(1e-300, 1e300), () => uniform(0.5, 2)],
    ['log1p', log1p, () => logUniform(1e-300, 1e300), () => uniform(-1, 1)],
    ['tanh', tanh, () => uniform(-20, 20), () => uniform(-1, 1)],
    ['sigmoid', sigmoid, () => uniform(-700, 40), () => uniform(-10, 10)],
    ['softplus', softplus, () => uniform(-700, 700), () => uniform(-10, 10)],
    ['erf', erf, () => uniform(-6.5, 6.5), () => uniform(-1, 1)],
    ['erfinv', erfinv, nearOne, () => uniform(-1, 1)],
  ];
  const dump: Record<string, { x: number[]; y: number[] }> = {};
  for (const [name, f, wide, narrow] of plan) {
    const x: number[] = [];
    for (let i = 0; i < 10_000; i++) x.push(i & 1 ? wide() : narrow());
    dump[name] = { x, y: x.map(f) };
  }
  writeFileSync(process.argv[dumpAt + 1], JSON.stringify(dump));
  console.log(`\nwrote float64 inputs and results to ${process.argv[dumpAt + 1]}`);
}
