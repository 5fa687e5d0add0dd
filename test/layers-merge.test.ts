/**
 * The merge layers: gradients against central finite differences in float64, predictions against
 * TensorFlow.js's merge layers on the same inputs, and the shape errors (naming the layer and the
 * shapes).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Add,
  Average,
  Concatenate,
  Dot,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
} from '../packages/ditto/src/layers/merge/index.js';
import type { MergeLayer } from '../packages/ditto/src/layers/merge/merge.js';
import { type Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function run(layer: MergeLayer, inputs: readonly Tensor[]): Tensor {
  layer.build(inputs.map((t) => t.shape.slice(1)));
  return layer.call(inputs);
}

interface Case {
  name: string;
  make: () => MergeLayer;
  tfjs: () => {
    apply(inputs: tf.Tensor[]): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];
  };
  shapes: number[][];
}

const cases: Case[] = [
  {
    name: 'Add of three',
    make: () => new Add(),
    tfjs: () => tf.layers.add(),
    shapes: [
      [3, 4],
      [3, 4],
      [3, 4],
    ],
  },
  {
    name: 'Add with a broadcast axis',
    make: () => new Add(),
    tfjs: () => tf.layers.add(),
    shapes: [
      [3, 4],
      [3, 1],
    ],
  },
  // tfjs has no Subtract layer: its reference is tfjs's sub op on the same inputs.
  {
    name: 'Subtract',
    make: () => new Subtract(),
    tfjs: () => ({ apply: (xs: tf.Tensor[]) => tf.sub(xs[0], xs[1]) }),
    shapes: [
      [3, 5],
      [3, 5],
    ],
  },
  {
    name: 'Multiply',
    make: () => new Multiply(),
    tfjs: () => tf.layers.multiply(),
    shapes: [
      [2, 3, 2],
      [2, 3, 2],
      [2, 3, 2],
    ],
  },
  {
    name: 'Average',
    make: () => new Average(),
    tfjs: () => tf.layers.average(),
    shapes: [
      [4, 3],
      [4, 3],
      [4, 3],
    ],
  },
  {
    name: 'Maximum',
    make: () => new Maximum(),
    tfjs: () => tf.layers.maximum(),
    shapes: [
      [4, 3],
      [4, 3],
    ],
  },
  {
    name: 'Minimum',
    make: () => new Minimum(),
    tfjs: () => tf.layers.minimum(),
    shapes: [
      [4, 3],
      [4, 3],
    ],
  },
  {
    name: 'Concatenate on the last axis',
    make: () => new Concatenate(),
    tfjs: () => tf.layers.concatenate(),
    shapes: [
      [2, 3, 2],
      [2, 3, 4],
    ],
  },
  {
    name: 'Concatenate on axis 1',
    make: () => new Concatenate({ axis: 1 }),
    tfjs: () => tf.layers.concatenate({ axis: 1 }),
    shapes: [
      [2, 1, 3],
      [2, 4, 3],
      [2, 2, 3],
    ],
  },
  {
    name: 'Dot of vectors',
    make: () => new Dot({ axes: 1 }),
    tfjs: () => tf.layers.dot({ axes: 1 }),
    shapes: [
      [3, 5],
      [3, 5],
    ],
  },
  {
    name: 'Dot normalized (cosine)',
    make: () => new Dot({ axes: -1, normalize: true }),
    tfjs: () => tf.layers.dot({ axes: -1, normalize: true }),
    shapes: [
      [3, 5],
      [3, 5],
    ],
  },
  {
    name: 'Dot of sequences, axes [2, 2]',
    make: () => new Dot({ axes: [2, 2] }),
    tfjs: () => tf.layers.dot({ axes: [2, 2] }),
    shapes: [
      [2, 3, 4],
      [2, 5, 4],
    ],
  },
  {
    name: 'Dot of sequences, axes [1, 2]',
    make: () => new Dot({ axes: [1, 2] }),
    tfjs: () => tf.layers.dot({ axes: [1, 2] }),
    shapes: [
      [2, 5, 2],
      [2, 3, 5],
    ],
  },
];

describe('merge layers: gradients (float64 central differences)', () => {
  cases.forEach(({ name, make, shapes }, c) => {
    it(name, () => {
      const layer = make();
      // Distinct values per input, so Maximum/Minimum have no ties near the probe.
      const inputs = shapes.map((s, i) => param(s, 100 * c + i + 1));
      checkGradients(() => run(layer, inputs), inputs);
    });
  });
});

describe('merge layers: predictions match tfjs', () => {
  cases.forEach(({ name, make, tfjs, shapes }, c) => {
    it(name, () => {
      const values = shapes.map((s, i) =>
        testValues(
          s.reduce((p, d) => p * d, 1),
          7 * c + i,
          -2,
          2,
        ),
      );
      const ours = run(
        make(),
        values.map((v, i) => tensor(Float32Array.from(v), shapes[i])),
      );
      const theirs = tfjs().apply(values.map((v, i) => tf.tensor(v, shapes[i]))) as tf.Tensor;
      expect(ours.shape).toEqual(theirs.shape);
      const expected = theirs.dataSync();
      for (let i = 0; i < expected.length; i++) {
        expect(Math.abs(ours.data[i] - expected[i])).toBeLessThanOrEqual(
          2e-6 * Math.max(1, Math.abs(expected[i])),
        );
      }
    });
  });
});

describe('merge layers: bad input names the layer and the shapes', () => {
  it('Add of mismatched shapes', () => {
    expect(() => new Add({ name: 'sum' }).computeOutputShape([[3], [4]])).toThrow(
      /sum: inputs of shapes \[3\] and \[4\] cannot be merged/,
    );
  });
  it('Add of different ranks', () => {
    expect(() => new Add({ name: 'sum2' }).computeOutputShape([[3], [3, 1]])).toThrow(
      /sum2: .*one rank.*\[3\] and \[3, 1\]/,
    );
  });
  it('Subtract of three inputs', () => {
    expect(() => new Subtract({ name: 'diff' }).computeOutputShape([[3], [3], [3]])).toThrow(
      /diff: takes exactly 2 inputs, got 3/,
    );
  });
  it('a merge layer given one input', () => {
    expect(() => new Multiply({ name: 'prod' }).computeOutputShape([3])).toThrow(
      /prod: a merge layer takes a list of sample shapes \(one per input\), got \[3\]/,
    );
  });
  it('Concatenate of shapes differing off the axis', () => {
    expect(() =>
      new Concatenate({ name: 'cat' }).computeOutputShape([
        [2, 3],
        [4, 3],
      ]),
    ).toThrow(/cat: inputs of shapes \[2, 3\] and \[4, 3\] differ outside the concatenation axis -1/);
  });
  it('Concatenate on the batch axis', () => {
    expect(() => new Concatenate({ axis: 0 })).toThrow(/axis must be a non-zero integer/);
  });
  it('Dot of different contracted sizes', () => {
    expect(() => new Dot({ axes: 1, name: 'sim' }).computeOutputShape([[5], [4]])).toThrow(
      /sim: inputs of shapes \[5\] and \[4\] differ on the contracted axes 1 \(5 vs 4\)/,
    );
  });
  it('Dot with an axis outside the inputs', () => {
    expect(() => new Dot({ axes: 3, name: 'sim2' }).computeOutputShape([[5], [5]])).toThrow(
      /sim2: axes 3 are outside/,
    );
  });
  it('a built merge layer given other shapes', () => {
    const layer = new Add({ name: 'built_sum' });
    layer.build([[3], [3]]);
    expect(() => layer.build([[4], [4]])).toThrow(
      /built_sum: already built for inputs of shapes \[3\] and \[3\], got \[4\] and \[4\]/,
    );
  });
});
