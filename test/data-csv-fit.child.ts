/**
 * The child process of test/data-csv-fit.test.ts: trains the workload's model from the CSV file
 * with csvFitBatches and prints its weights hash and how far the resident set grew during fit
 * (sampled every 64 batches after a collection; run with --expose-gc).
 */
import { csvFitBatches } from '../packages/ditto-node/src/index.js';
import { BATCH_SIZE, COLUMNS, csvModel, EPOCHS } from './data-csv-fit-workload.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const model = csvModel();
gc();
const baseline = process.memoryUsage().rss;
let peak = baseline;
let batches = 0;
const sample = (): void => {
  gc();
  peak = Math.max(peak, process.memoryUsage().rss);
};
await model.fit(csvFitBatches(process.argv[2], { x: COLUMNS, y: ['y'], batchSize: BATCH_SIZE }), {
  epochs: EPOCHS,
  verbose: 0,
  callbacks: [{ onBatchEnd: () => (++batches % 64 === 0 ? sample() : undefined) }],
});
sample();
process.stdout.write(JSON.stringify({ hash: model.weightsHash(), growth: peak - baseline, batches }));
