/**
 * Named random streams (docs/random.md): each source (init, dropout, order, split, augment, user)
 * draws its keys from its own stream of the seed, so drawing more for one source never shifts
 * another; per-source seed overrides; getSeed round-trips; the shape- and dtype-aware fingerprint.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, it } from 'vitest';
import { hashArrays } from '../packages/ditto/src/hash/fingerprint.js';
import {
  Dense,
  Dropout,
  GaussianDropout,
  initializers,
  LSTM,
  modelFromBytes,
  Sequential,
  Tensor,
  trainTestSplit,
} from '../packages/ditto/src/index.js';
import {
  FILE_HASH_KEY,
  fileHashPosition,
  HASH_PLACEHOLDER,
  HEADER_KEY,
  replacer,
  reviver,
} from '../packages/ditto/src/io/format.js';
import { decodeSafeTensors, encodeSafeTensors } from '../packages/ditto/src/io/safetensors.js';
import {
  drawnSources,
  foldIn,
  getSeed,
  type Key,
  key,
  nextKey,
  restoreSeedState,
  SEED_SOURCES,
  type SeedSource,
  saveSeedState,
  setSeed,
  withSeed,
} from '../packages/ditto/src/random/index.js';
import { testValues } from './helpers/test-values.js';

afterEach(() => restoreSeedState({ seed: undefined, drawn: false, counters: {} }));

/** Draws `count` keys of a source. */
const draw = (source: SeedSource, count: number): Key[] =>
  Array.from({ length: count }, () => nextKey(source));

describe('the stream derivation', () => {
  it('is pinned: the i-th key of source id s under seed 42 is foldIn(foldIn(key(42), s), i)', () => {
    // Independent pure-Python threefry (the reference of test/random.test.ts's golden values):
    //   root = fold_in(key(42), sid); keys = [fold_in(root, i) for i in range(2)]
    const expected: Record<SeedSource, [Key, Key]> = {
      init: [
        [1012194634, 3152801799],
        [1705926158, 899080142],
      ],
      dropout: [
        [3187376881, 129218101],
        [2350016172, 1168365246],
      ],
      order: [
        [1605747716, 4117073388],
        [2853785955, 313133857],
      ],
      split: [
        [2463158877, 4047937370],
        [1914800406, 1741898942],
      ],
      augment: [
        [75273486, 3122212114],
        [1770995085, 4163859872],
      ],
      user: [
        [1918441747, 408286057],
        [3754419596, 3661185138],
      ],
    };
    expect(SEED_SOURCES).toEqual(['init', 'dropout', 'order', 'split', 'augment', 'user']);
    setSeed(42);
    // Interleaved in reverse order: the order of sources between one another does not matter.
    const got: Partial<Record<SeedSource, Key[]>> = {};
    for (const source of [...SEED_SOURCES].reverse()) got[source] = [nextKey(source)];
    for (const source of SEED_SOURCES) got[source]?.push(nextKey(source));
    expect(got).toEqual(expected);
    setSeed(42);
    expect(nextKey()).toEqual(expected.user[0]);
  });

  it('drawing more from one source leaves every other source bit-identical', () => {
    const reference = (): Record<SeedSource, Key[]> => {
      setSeed(5);
      return Object.fromEntries(SEED_SOURCES.map((s) => [s, draw(s, 3)])) as Record<SeedSource, Key[]>;
    };
    const expected = reference();
    for (const greedy of SEED_SOURCES) {
      setSeed(5);
      draw(greedy, 17);
      for (const other of SEED_SOURCES) {
        if (other !== greedy) expect(draw(other, 3)).toEqual(expected[other]);
      }
    }
  });
});

/** A dense model's initial weights hash, built after setSeed(seed). */
function denseModel(withDropout: boolean, lstmDropout = 0): Sequential {
  const layers = [
    new LSTM(3, { inputShape: [4, 2], dropout: lstmDropout }),
    new Dense(5, { activation: 'relu' }),
    ...(withDropout ? [new Dropout(0.3)] : []),
    new Dense(1),
  ];
  return new Sequential(layers);
}

describe('layers take keys from their own sources', () => {
  it('adding a Dropout layer (or LSTM dropout) leaves every weight bit-identical', () => {
    setSeed(8);
    const plain = denseModel(false);
    plain.build([4, 2]);
    expect(drawnSources()).toEqual(['init']);
    setSeed(8);
    const dropped = denseModel(true, 0.25);
    dropped.build([4, 2]);
    expect(drawnSources()).toEqual(['init', 'dropout']);
    expect(dropped.weightsHash()).toBe(plain.weightsHash());
  });

  it('a split and a shuffled fit before building leave the next model’s weights bit-identical', async () => {
    const x = new Tensor(Float32Array.from(testValues(40, 3, -1, 1)), [10, 4]);
    const y = new Tensor(Float32Array.from(testValues(10, 4, -1, 1)), [10, 1]);
    const secondModel = async (shuffle: boolean | 'none') => {
      setSeed(2);
      const first = new Sequential([new Dense(1, { inputDim: 4 })]);
      first.compile({ loss: 'mse', optimizer: 'sgd' });
      if (shuffle !== 'none') {
        trainTestSplit([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], { testSize: 2 });
        await first.fit(x, y, { epochs: 2, batchSize: 3, shuffle, verbose: 0 });
      }
      const second = new Sequential([new Dense(3, { inputDim: 4 }), new Dense(1)]);
      second.build([4]);
      return second.weightsHash();
    };
    const untouched = await secondModel('none');
    expect(await secondModel(true)).toBe(untouched);
    expect(await secondModel(false)).toBe(untouched);
  });

  it('a layer seed fixes its keys: init from foldIn(key(seed), 0), masks from foldIn(key(seed), 1)', () => {
    setSeed(0);
    const layer = new Dense(2, { inputDim: 3, seed: 11, kernelInitializer: 'glorotUniform' });
    new Sequential([layer]).build([3]);
    const initKey = foldIn(key(11), 0);
    const kernel = initializers.glorotUniform().init([3, 2], 'float32', foldIn(initKey, 0));
    expect(Array.from(layer.variables[0].value.data)).toEqual(Array.from(kernel));
    const dropout = new Dropout(0.5, { seed: 11 });
    new Sequential([dropout]).build([3]);
    expect(dropout.dropoutKey).toEqual(foldIn(key(11), 1));
    expect(drawnSources()).toEqual([]);
  });
});

describe('seed assignments', () => {
  it('an override changes only its source; an override equal to the seed changes nothing', () => {
    const keysUnder = (seed: Parameters<typeof setSeed>[0]) => {
      setSeed(seed);
      return Object.fromEntries(SEED_SOURCES.map((s) => [s, draw(s, 2)])) as Record<SeedSource, Key[]>;
    };
    const base = keysUnder(1);
    const other = keysUnder(42);
    const mixed = keysUnder({ seed: 1, init: 42, order: 42 });
    for (const source of SEED_SOURCES) {
      expect(mixed[source]).toEqual(source === 'init' || source === 'order' ? other[source] : base[source]);
    }
    expect(keysUnder({ seed: 1, init: 1 })).toEqual(base);
    expect(keysUnder({ seed: 1 })).toEqual(base);
  });

  it('getSeed returns exactly what is in force, and setSeed(getSeed()) round-trips', () => {
    setSeed({ seed: 3 });
    expect(getSeed()).toBe(3);
    const assignment = { seed: 'run-7', dropout: 2n ** 40n };
    setSeed(assignment);
    const inForce = getSeed();
    expect(inForce).toEqual(assignment);
    (assignment as { seed: string }).seed = 'changed later';
    expect(getSeed()).toEqual({ seed: 'run-7', dropout: 2n ** 40n });
    const first = draw('dropout', 2);
    setSeed(getSeed());
    expect(draw('dropout', 2)).toEqual(first);
  });

  it('withSeed and saveSeedState/restoreSeedState carry every source’s counter', () => {
    setSeed({ seed: 9, user: 4 });
    draw('init', 2);
    nextKey();
    const saved = saveSeedState();
    expect(saved.counters).toEqual({ init: 2, dropout: 0, order: 0, split: 0, augment: 0, user: 1 });
    const next = { init: nextKey('init'), user: nextKey() };
    const inner = withSeed({ seed: 1, init: 2 }, () => [nextKey('init'), drawnSources()]);
    expect(inner).toEqual([foldIn(foldIn(key(2), 0), 0), ['init']]);
    expect(nextKey('order')).toEqual(foldIn(foldIn(key(9), 2), 0));
    restoreSeedState(saved);
    expect(drawnSources()).toEqual(['init', 'user']);
    expect({ init: nextKey('init'), user: nextKey() }).toEqual(next);
  });

  it('rejects an unknown source, a bad seed value and a missing base seed, naming them', () => {
    setSeed(1);
    expect(() => setSeed({ seed: 1, inti: 3 } as never)).toThrow(
      /unknown source "inti".*did you mean 'init'/,
    );
    expect(() => setSeed({ seed: 1, dropout: 1.5 })).toThrow(/'dropout' override is not a valid seed.*1\.5/);
    expect(() => setSeed({ init: 2 } as never)).toThrow(/no 'seed'/);
    expect(() => setSeed({ seed: Number.NaN })).toThrow(/'seed'.*NaN/);
    expect(() => nextKey('dropuot' as never)).toThrow(
      /random.nextKey: unknown source "dropuot".*did you mean 'dropout'/,
    );
    expect(getSeed()).toBe(1);
  });
});

describe('checkpoint and resume', () => {
  it('a GaussianDropout model resumes bit-exactly from its model file (dropout key and counter restored)', async () => {
    const x = new Tensor(Float32Array.from(testValues(60, 5, -1, 1)), [12, 5]);
    const y = new Tensor(Float32Array.from(testValues(12, 6, -1, 1)), [12, 1]);
    const make = () => {
      const model = new Sequential([
        new Dense(6, { inputDim: 5, activation: 'tanh' }),
        new GaussianDropout(0.3),
        new Dense(1),
      ]);
      model.compile({ loss: 'mse', optimizer: 'adam' });
      return model;
    };
    setSeed(31);
    const whole = make();
    await whole.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0 });
    setSeed(31);
    const half = make();
    await half.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const bytes = half.toBytes();
    setSeed(999); // the resumed run takes nothing from the global seed
    const resumed = modelFromBytes(bytes);
    expect(resumed.layers[1].dropoutKey).toEqual(half.layers[1].dropoutKey);
    expect(resumed.layers[1].callCount).toBe(half.layers[1].callCount);
    expect(resumed.layers[1].callCount).toBeGreaterThan(0);
    await resumed.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0 });
    expect(resumed.weightsHash()).toBe(whole.weightsHash());
  });

  it('a version-1 training state gives a recurrent layer the dropout key that continues its masks', () => {
    setSeed(4);
    const model = new Sequential([new LSTM(2, { inputShape: [3, 2], dropout: 0.2 }), new Dense(1)]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    model.build([3, 2]);
    const state = model.getTrainingState();
    expect(state.version).toBe(2);
    const single: Key = [123, 456];
    model.setTrainingState({ ...state, version: 1, random: [{ layer: 'lstm', key: single, calls: 3 }] });
    expect(model.layers[0].dropoutKey).toEqual(foldIn(single, 0xffffffff));
    expect(model.layers[0].callCount).toBe(3);
  });
});

/** The file rewritten by `edit` (header JSON), with its file hash recomputed as the writer does. */
function rewriteHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => void): Uint8Array {
  const file = decodeSafeTensors(bytes);
  const header = JSON.parse(file.metadata[HEADER_KEY], reviver) as Record<string, unknown>;
  edit(header);
  const out = encodeSafeTensors({
    metadata: {
      ...file.metadata,
      [HEADER_KEY]: JSON.stringify(header, replacer),
      [FILE_HASH_KEY]: HASH_PLACEHOLDER,
    },
    tensors: file.tensors,
  });
  out.set(new TextEncoder().encode(bytesToHex(sha256(out))), fileHashPosition(out, HASH_PLACEHOLDER));
  return out;
}

describe('model files of format 1', () => {
  it('load with their single layer keys converted: Dropout keeps its key, LSTM gets foldIn(k, 2^32 − 1), Dense ignores it', () => {
    setSeed(6);
    const model = new Sequential([
      new LSTM(2, { inputShape: [3, 2], dropout: 0.2, returnSequences: true }),
      new Dropout(0.3),
      new Dense(1),
    ]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    model.build([3, 2]);
    const lstmKey: Key = [11, 12];
    const dropoutKey: Key = [21, 22];
    const version1 = rewriteHeader(model.toBytes(), (header) => {
      header.formatVersion = 1;
      header.layerKeys = [lstmKey, dropoutKey, [31, 32]];
      const training = header.training as { version: number; random: { key: Key; calls: number }[] };
      training.version = 1;
      training.random = [
        { ...training.random[0], key: lstmKey, calls: 2 },
        { ...training.random[1], key: dropoutKey, calls: 5 },
      ];
    });
    const loaded = modelFromBytes(version1);
    expect(loaded.layers.map((l) => l.dropoutKey)).toEqual([
      foldIn(lstmKey, 0xffffffff),
      dropoutKey,
      undefined,
    ]);
    expect(loaded.layers.map((l) => l.callCount)).toEqual([2, 5, 0]);
    expect(loaded.weightsHash()).toBe(model.weightsHash());
    // Format 2 holds dropout keys only: a key for a layer that draws no masks is an error naming it.
    const wrong = rewriteHeader(model.toBytes(), (header) => {
      header.layerKeys = [lstmKey, dropoutKey, [31, 32]];
    });
    expect(() => modelFromBytes(wrong)).toThrow(/layerKeys\[2\].*draws no masks/);
  });
});

describe('fingerprints include each array’s dtype and shape', () => {
  const a = Float32Array.of(1, 2);
  const b = Float32Array.of(3);
  it('[a, b] and a‖b differ; [2, 3] and [3, 2] differ; float32 and float64 differ', () => {
    expect(hashArrays([a, b])).not.toBe(hashArrays([Float32Array.of(1, 2, 3)]));
    const six = Float32Array.from(testValues(6, 1, -1, 1));
    expect(hashArrays([{ data: six, shape: [2, 3] }])).not.toBe(hashArrays([{ data: six, shape: [3, 2] }]));
    expect(hashArrays([{ data: six, shape: [6] }])).toBe(hashArrays([six]));
    expect(hashArrays([a])).not.toBe(hashArrays([Float64Array.of(1, 2)]));
  });
  it('is pinned against an independent encoding (Python struct + hashlib)', () => {
    // sha256(enc(float32, [2], [1, -2]) + enc(float64, [1, 2], [0.5, NaN])), where enc writes
    // uint32 LE 32|64, uint32 LE rank, uint32 LE dims, then the little-endian values.
    expect(
      hashArrays([Float32Array.of(1, -2), { data: Float64Array.of(0.5, Number.NaN), shape: [1, 2] }]),
    ).toBe('9d6d01ada78a30e03633a792bf10998b0310c764185d85ae24ffd2ed8d75fe66');
  });
  it('names an item whose shape does not fit its values', () => {
    expect(() => hashArrays([a, { data: a, shape: [3] }])).toThrow(
      /item 1 has shape \[3\] \(3 values\) but 2 values/,
    );
    expect(() => hashArrays([{ data: a, shape: [2, -1] }])).toThrow(/item 0.*dimensions must be integers/);
    expect(() => hashArrays([[1, 2] as never])).toThrow(/item 0 is neither/);
  });
});
