/**
 * Functional models in ditto's model file (issue 12): two inputs, two outputs, a shared layer,
 * merges and Dropout — saved with their graph and training state, read back bit for bit, resumed in
 * a new process to the hash of an uninterrupted run, and a graph that names what does not exist is
 * a ModelFileError naming it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  hashArrays,
  type Model,
  ModelFileError,
  modelFromBytes,
  readModelFileHeader,
  type Tensor,
} from '../packages/ditto/src/index.js';
import {
  FILE_HASH_KEY,
  fileHashPosition,
  HASH_PLACEHOLDER,
  HEADER_KEY,
} from '../packages/ditto/src/io/format.js';
import { decodeSafeTensors, encodeSafeTensors } from '../packages/ditto/src/io/safetensors.js';
import { runTsx } from './helpers/run-tsx.js';
import { fitWorkload, workloadData, workloadModel } from './model-file-functional-workload.js';

const dir = mkdtempSync(join(tmpdir(), 'ditto-functional-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The file with its model header edited and every checksum made to fit again (a consistent file). */
function withHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => void): Uint8Array {
  const file = decodeSafeTensors(bytes);
  const header = JSON.parse(file.metadata[HEADER_KEY]) as Record<string, unknown>;
  edit(header);
  const metadata = {
    ...file.metadata,
    [HEADER_KEY]: JSON.stringify(header),
    [FILE_HASH_KEY]: HASH_PLACEHOLDER,
  };
  const out = encodeSafeTensors({ metadata, tensors: file.tensors });
  out.set(new TextEncoder().encode(bytesToHex(sha256(out))), fileHashPosition(out, HASH_PLACEHOLDER));
  return out;
}

function predictionHash(model: Model): string {
  const { a, b } = workloadData();
  return hashArrays(model.predict({ a, b }) as Tensor[]);
}

function refusal(bytes: Uint8Array): ModelFileError {
  try {
    modelFromBytes<Model>(bytes);
  } catch (error) {
    if (error instanceof ModelFileError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('a functional model in a model file', () => {
  it('round-trips its graph, weights and predictions bit for bit', async () => {
    const model = workloadModel();
    await fitWorkload(model, 2);
    const copy = modelFromBytes<Model>(model.toBytes());
    expect(copy.functionalGraph).toBeDefined();
    expect(copy.inputNames).toEqual(['a', 'b']);
    expect(copy.outputNames).toEqual(['score', 'cls']);
    expect(copy.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    // The shared Dense is one layer with one set of weights in the copy too.
    expect(copy.layers.filter((l) => l.name === 'shared')).toHaveLength(1);
    expect(copy.weightsHash()).toBe(model.weightsHash());
    expect(predictionHash(copy)).toBe(predictionHash(model));
    // The per-output compile settings came back: the copy's losses and weight are the model's.
    expect(copy.compiledOutputs.map((o) => [o.loss.name, o.weight, o.metrics.map((m) => m.name)])).toEqual(
      model.compiledOutputs.map((o) => [o.loss.name, o.weight, o.metrics.map((m) => m.name)]),
    );
    const header = readModelFileHeader(model.toBytes());
    expect(header.model.className).toBe('Model');
    expect(header.compile?.lossWeights).toEqual({ cls: 0.5 });
    // The file holds the graph: a node per application, the shared layer twice.
    const shared = model.layers.findIndex((l) => l.name === 'shared');
    if (header.model.className !== 'Model') throw new Error('not a functional config');
    const nodes = header.model.nodes;
    expect(nodes.filter((n) => n.layer === shared)).toHaveLength(2);
  });

  it('resumes in a new process to the hash of the uninterrupted run', async () => {
    const file = join(dir, 'two-heads.safetensors');
    await runTsx('test/model-file-functional-resume.child.ts', ['train', file]);
    const resumed = await runTsx('test/model-file-functional-resume.child.ts', ['resume', file]);
    const uninterrupted = workloadModel();
    await fitWorkload(uninterrupted, 10);
    expect(resumed).toMatch(/^[0-9a-f]{64}$/);
    expect(resumed).toBe(uninterrupted.weightsHash());
    // It is a real continuation: the checkpoint's own weights differ from the final ones.
    const early = workloadModel();
    await fitWorkload(early, 4);
    expect(early.weightsHash()).not.toBe(resumed);
  }, 60_000);

  it('names an unknown layer class, a missing layer and a missing input in the graph', async () => {
    const model = workloadModel();
    const bytes = model.toBytes();
    type Graph = {
      layers: { className: string }[];
      nodes: { layer: number; inputs: Record<string, number>[] }[];
    };
    const unknownClass = refusal(
      withHeader(bytes, (h) => {
        (h.model as Graph).layers[0].className = 'Dunse';
      }),
    );
    expect(unknownClass.field).toBe('model.layers[0].className');
    expect(unknownClass.message).toMatch(/unknown layer class "Dunse"/);

    const missingLayer = refusal(
      withHeader(bytes, (h) => {
        (h.model as Graph).nodes[1].layer = 42;
      }),
    );
    expect(missingLayer.field).toBe('model.nodes[1].layer');
    expect(missingLayer.message).toMatch(/no layer 42/);

    const missingInput = refusal(
      withHeader(bytes, (h) => {
        (h.model as Graph).nodes[0].inputs[0] = { input: 5 };
      }),
    );
    expect(missingInput.field).toBe('model.nodes[0].inputs[0]');
    expect(missingInput.message).toMatch(/\{"input":5\}.*does not exist/);
  });
});
