/**
 * The child process of test/model-file-functional.test.ts. `train <file>`: 4 epochs of the
 * functional workload with a ModelCheckpoint. `resume <file>`: loads the checkpoint (a new
 * process: no state but the file), trains to epoch 10 and prints the weights hash.
 */
import { loadModel, type Model, ModelCheckpoint } from '../packages/ditto-node/src/index.js';
import { fitWorkload, workloadModel } from './model-file-functional-workload.js';

const [mode, file] = process.argv.slice(2);
if (mode === 'train') {
  await fitWorkload(workloadModel(), 4, { callbacks: [new ModelCheckpoint(file)] });
} else if (mode === 'resume') {
  const model = await loadModel<Model>(file);
  await fitWorkload(model, 10);
  process.stdout.write(model.weightsHash());
} else throw new Error(`usage: model-file-functional-resume.child.ts train|resume <file>`);
