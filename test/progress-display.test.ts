// The terminal progress: fit's bar keeps every validation metric visible at 80 columns (abbreviated
// or wrapped, never cut), and ditto run's ETA comes from the repeats' measured times.
import { describe, expect, it } from 'vitest';
import { consoleDisplay, setProgressDisplay } from '../packages/ditto/src/callbacks/progress-display.js';
import { ProgressLogger } from '../packages/ditto/src/callbacks/progress-logger.js';
import { estimateRemaining, formatEta } from '../packages/ditto-node/src/experiments/progress.js';
import { abbreviate, barLines, terminalDisplay } from '../packages/ditto-node/src/progress.js';

const VALUES = ['0.0123', '0.0456', '0.1234', '0.2345', '0.9876', '0.8765'];
const LONG =
  `ETA 1.2s - loss: ${VALUES[0]} - mse: ${VALUES[1]} - accuracy: ${VALUES[2]} - ` +
  `val_loss: ${VALUES[3]} - val_mse: ${VALUES[4]} - val_accuracy: ${VALUES[5]}`;

describe("fit's bar at 80 columns", () => {
  it('keeps every metric value whole, on lines no wider than the terminal', () => {
    const lines = barLines({ title: 'Epoch 100/100', done: 32, total: 32, text: LONG }, 80);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    const shown = lines.join('\n');
    for (const name of ['loss', 'mse', 'accuracy', 'v_loss', 'v_mse', 'v_accuracy']) {
      expect(shown).toMatch(new RegExp(`(^|[ ·])${name} \\d`, 'm'));
    }
    for (const value of VALUES) expect(shown).toContain(value);
  });

  it('stays on one line, unchanged, when it fits', () => {
    const text = 'ETA 3ms - loss: 0.5000';
    expect(barLines({ title: 'Epoch 1/5', done: 4, total: 8, text }, 80)).toEqual([
      `Epoch 1/5 [${'█'.repeat(12)}${'-'.repeat(12)}] 4/8 ${text}`,
    ]);
  });

  it('abbreviates before it wraps: val_ → v_, no colons', () => {
    expect(abbreviate('val_loss: 0.0456')).toBe('v_loss 0.0456');
    const lines = barLines({ title: 'Epoch 1/5', done: 1, total: 2, text: 'loss: 0.1 - val_loss: 0.2' }, 50);
    expect(lines).toEqual([`Epoch 1/5 [${'█'.repeat(6)}${'-'.repeat(6)}] 1/2 loss 0.1 · v_loss 0.2`]);
  });

  it('draws the final values of an epoch on a terminal stream', () => {
    let written = '';
    const display = terminalDisplay({ columns: 80, write: (text: string) => (written += text) });
    const epoch = display.startEpoch('Epoch 7/10', 4);
    epoch.update(2, 'ETA 5ms - loss: 0.5000');
    epoch.finish(`4/4 - 12ms - ${LONG.replace('ETA 1.2s - ', '')}`);
    const last = written.slice(written.lastIndexOf('\r'));
    for (const value of VALUES) expect(last).toContain(value);
    expect(written.endsWith('\n')).toBe(true);
  });

  it("shows a batch source's unknown step count as Unknown, then the count the epoch ran", async () => {
    let written = '';
    setProgressDisplay(terminalDisplay({ columns: 80, write: (text: string) => (written += text) }));
    try {
      const logger = new ProgressLogger(1, 2, undefined);
      for (let epoch = 0; epoch < 2; epoch++) {
        logger.onEpochBegin(epoch);
        for (let batch = 0; batch < 3; batch++) logger.onBatchEnd(batch, { loss: 0.5 });
        if (epoch === 0) expect(written).toContain('3/Unknown');
        logger.onEpochEnd(epoch, { loss: 0.5 });
      }
    } finally {
      setProgressDisplay(consoleDisplay);
    }
    const lines = written.split(/\r|\n/).filter((line) => line.includes('Epoch'));
    expect(lines.at(-1)).toContain('Epoch 2/2');
    expect(lines.at(-1)).toContain(`[${'█'.repeat(24)}] 3/3`);
    expect(written).not.toContain('0/0');
  });
});

describe("ditto run's ETA", () => {
  it('is the mean measured repeat time × the repeats left ÷ how many ran at once', () => {
    // In this process: 4 repeats of 10 ms took 40 ms.
    expect(estimateRemaining([10, 10, 10, 10], 40, 26)).toBe(260);
    // On 2 workers: 40 ms of repeats in 20 ms of wall time.
    expect(estimateRemaining([10, 10, 10, 10], 20, 26)).toBe(130);
    expect(estimateRemaining([], 20, 26)).toBeNull();
  });

  it('reads as ms, seconds, or minutes and seconds', () => {
    expect([formatEta(850), formatEta(12_400), formatEta(185_000), formatEta(null)]).toEqual([
      '850ms',
      '12s',
      '3m05s',
      '…',
    ]);
  });
});
