/**
 * examples/lstm-forecast.ts: its data are the Mauna Loa months vega-datasets ships, one repeat of
 * each export gives the same weights in two fresh processes (pinned), and the LSTM learns: its
 * test error is well below the naive forecast's, which Python recomputes from the CSV itself.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repeatSeed, setSeed } from 'ditto';
import { describe, expect, it } from 'vitest';
import { co2Series, fitForecast, forecastData, LAG } from '../examples/lstm-forecast.js';
import { repeatZeroInFreshProcess } from './helpers/example-processes.js';

/** Weights hashes of repeat 0 of each export at FORECAST_EPOCHS=2, on the default backend. */
const PINNED = {
  lstm: 'b6677072649a34ea3c94d8d133ee4909c756fcda5ae0f566b65be440cbbf5a67',
  mlp: 'cd60d8d8a55171988c332ba71bf905d260c6c4f596f8924d2811061006f9e953',
};

describe('examples/lstm-forecast.ts', () => {
  it('reads the contiguous Mauna Loa months from the vega-datasets package', () => {
    const months = co2Series();
    // The file skips months before May 1964; from then on every month to April 2020 is there.
    expect(months.length).toBe(672);
    expect(months[0]).toEqual({ date: '1964-05-01', co2: 322.26 });
    expect(months.at(-1)).toEqual({ date: '2020-04-01', co2: 416.18 });
    const data = forecastData();
    expect(data.trainX[0]).toHaveLength(LAG);
    expect(data.trainX.length + data.testX.length).toBe(671 - LAG);
    expect(data.testX).toHaveLength(Math.round(672 * 0.2));
  });

  it('one repeat of each export gives the same weights in two fresh processes, as pinned', async () => {
    const [a, b] = await Promise.all([
      repeatZeroInFreshProcess('examples/lstm-forecast.ts', ['lstm', 'mlp'], { FORECAST_EPOCHS: '2' }),
      repeatZeroInFreshProcess('examples/lstm-forecast.ts', ['lstm', 'mlp'], { FORECAST_EPOCHS: '2' }),
    ]);
    expect(a).toEqual(PINNED);
    expect(b).toEqual(PINNED);
  }, 120_000);

  it('the LSTM forecasts the test months well below the naive forecast’s error', async () => {
    setSeed(repeatSeed(11, 0)); // repeat 0 of the experiment, at its default 20 epochs
    const { rmse, naiveRmse } = await fitForecast('lstm', { epochs: 20 });
    // "Next month equals this month" over the last 20 % of the months, from the CSV by Python.
    const entry = createRequire(import.meta.url).resolve('vega-datasets'); // …/build/index.js
    const csv = join(dirname(entry), '../data/co2-concentration.csv');
    const python = `
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ppm = [float(r['CO2']) for r in rows if r['Date'] >= '1964-05-01']
test = round(len(ppm) * 0.2)
pairs = list(zip(ppm[-test - 1:-1], ppm[-test:]))
print(math.sqrt(sum((b - a) ** 2 for a, b in pairs) / len(pairs)))`;
    const reference = Number(execFileSync('/usr/bin/python3', ['-c', python, csv], { encoding: 'utf8' }));
    expect(naiveRmse).toBeCloseTo(reference, 12);
    expect(reference).toBeCloseTo(1.3812, 4);
    expect(rmse).toBeLessThan(naiveRmse / 2);
  }, 120_000);
});
