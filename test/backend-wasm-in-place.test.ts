/**
 * The wasm backend on arrays that live in its own memory (an engine program's region,
 * Backend.programArena): each kernel reads and writes them in place, with the reference's bits,
 * and writes nothing outside its outputs — the arrays are packed as the engine's planner packs them
 * (8-byte aligned, no slack between), so a store past an output's end would land in a neighbour.
 * Every kernel runs with all, some and none of its arrays in memory, on shapes with vector tails and
 * values with NaN, −0 and ±∞. Growth: a call that needs more memory during a replay runs on the
 * reference without detaching the region's views, and the memory grows when the replay ends.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { createGruCellWasm } from '../packages/ditto/src/backend/wasm/gru-cell.js';
import { createLstmCellWasm } from '../packages/ditto/src/backend/wasm/lstm-cell.js';
import { createWasmBackend, type WasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { backendKernel } from '../packages/ditto/src/kernels/registry.js';
import type { BinaryOp, UnaryOp } from '../packages/ditto/src/numeric/elementwise.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';
import { fold2dKernel, unfold2dKernel } from '../packages/ditto/src/tensor/ops/conv.js';
import { gruCellBackwardKernel, gruCellKernel } from '../packages/ditto/src/tensor/ops/gru-cell.js';
import {
  lstmCellKernel,
  lstmCellOutputBackwardKernel,
  lstmCellStateBackwardKernel,
} from '../packages/ditto/src/tensor/ops/lstm-cell.js';
import { maxPool2dBackwardKernel, maxPool2dKernel } from '../packages/ditto/src/tensor/ops/pooling.js';
import { gatherRows, scatterAddRows } from '../packages/ditto/src/tensor/ops/shape-ops.js';
import { geometryArgs, windowGeometry } from '../packages/ditto/src/tensor/ops/window.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Values over wide magnitudes with specials sprinkled in (a fixed hash, independent of ditto). */
function values(ctor: Ctor, n: number, seed: number, specials = true): FloatArray {
  const x = new ctor(n);
  const special = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1 + seed * 7919, 0x9e3779b1) >>> 0;
    x[i] = specials && h % 53 === 0 ? special[(h >>> 8) % 4] : ((h / 2 ** 32) * 2 - 1) * 2 ** ((h % 13) - 6);
  }
  return x;
}

/**
 * One kernel call: the arrays it takes (by element count; `out` arrays are written, `inout` read
 * and written), and how to run it on a backend — the reference backend for the expected bits.
 */
interface Call {
  name: string;
  ctor: Ctor;
  /** Arrays of the call's element type unless `ctor` says otherwise (the LSTM cell's float64 aux). */
  arrays: { length: number; role: 'in' | 'out' | 'inout'; values?: FloatArray; ctor?: Ctor }[];
  run(backend: WasmBackend | 'reference', arrays: FloatArray[]): void;
}

/** Which arrays live in the module's memory: every one, none, or a pattern from the seed. */
const residencies = (count: number, seed: number): boolean[][] => [
  Array(count).fill(true),
  Array(count).fill(false),
  Array.from({ length: count }, (_, i) => ((seed >>> i) & 1) === 1),
  Array.from({ length: count }, (_, i) => ((seed >>> i) & 1) === 0),
];

const fresh = (): WasmBackend => createWasmBackend({ smallCallsOnReference: false });

/**
 * A backend whose memory already holds a region of `regionBytes` and room for 2 MB of scratch after
 * it, so that the calls below never need to grow it (they would run on the reference instead).
 */
function roomy(regionBytes: number): WasmBackend {
  const wasm = fresh();
  const big = new Float64Array(1 << 18);
  wasm.unary('relu', big, big.slice(), 0);
  wasm.programArena?.(regionBytes);
  return wasm;
}

/** The registered kernels whose reference the wasm wrappers fall back to (looked up at each call). */
const DEFINED = [
  gatherRows,
  scatterAddRows,
  maxPool2dKernel,
  maxPool2dBackwardKernel,
  unfold2dKernel,
  fold2dKernel,
  lstmCellKernel,
  lstmCellOutputBackwardKernel,
  lstmCellStateBackwardKernel,
  gruCellKernel,
  gruCellBackwardKernel,
];

/**
 * Counts the calls that reach a reference kernel while `fn` runs: the reference backend's interface
 * kernels and the defined kernels' references (not the fused Dense and Adam kernels, which the
 * wrappers bind once).
 */
function referenceCalls(fn: () => void): number {
  let count = 0;
  const restore: (() => void)[] = [];
  const spy = (owner: Record<string, unknown>, name: string) => {
    const f = owner[name] as (...a: unknown[]) => unknown;
    owner[name] = (...args: unknown[]) => {
      count++;
      return f.apply(owner, args);
    };
    restore.push(() => {
      owner[name] = f;
    });
  };
  const kernels = jsBackend as unknown as Record<string, unknown>;
  for (const [name, f] of Object.entries(kernels)) if (typeof f === 'function') spy(kernels, name);
  for (const kernel of DEFINED) spy(kernel as unknown as Record<string, unknown>, 'reference');
  try {
    fn();
  } finally {
    for (const undo of restore) undo();
  }
  return count;
}

/**
 * Runs a call in wasm with the resident arrays packed in the region (the rest of the region filled
 * with a pattern) and on the reference with copies; the problems found.
 */
function check(wasm: WasmBackend, call: Call, resident: boolean[], seed: number): string[] {
  const ctors = call.arrays.map((a) => a.ctor ?? call.ctor);
  const slots = call.arrays.map(({ length }, i) => Math.ceil((length * ctors[i].BYTES_PER_ELEMENT) / 8) * 8);
  const bytes = slots.reduce((a, b) => a + b, 0) + 64;
  const region = wasm.programArena?.(bytes);
  if (!region) return [`${call.name}: no region`];
  const memory = new Uint8Array(region.buffer(), region.offset, bytes);
  memory.fill(0xa7);
  const initial = call.arrays.map((a, i) => a.values ?? values(ctors[i], a.length, seed * 31 + i));
  let offset = 0;
  const inWasm = call.arrays.map((a, i) => {
    const ctor = ctors[i];
    const array = resident[i]
      ? new ctor(region.buffer(), region.offset + offset, a.length)
      : new ctor(a.length);
    offset += slots[i];
    array.set(a.role === 'out' ? new ctor(a.length).fill(9) : initial[i]);
    return array;
  });
  const before = memory.slice();
  const expected = call.arrays.map((a, i) =>
    a.role === 'out' ? new ctors[i](a.length).fill(9) : initial[i].slice(),
  );
  call.run('reference', expected);
  const buffer = region.buffer();
  const fallbacks = referenceCalls(() => call.run(wasm, inWasm));
  const problems: string[] = [];
  const where = `${call.name} ${call.ctor.name} resident ${resident.map(Number).join('')}`;
  if (fallbacks > 0) problems.push(`${where}: ran on the reference`);
  if (region.buffer() !== buffer) problems.push(`${where}: the memory grew`);
  call.arrays.forEach((_, i) => {
    for (let j = 0; j < expected[i].length; j++) {
      if (!Object.is(inWasm[i][j], expected[i][j])) {
        problems.push(`${where}: array ${i}[${j}] = ${inWasm[i][j]}, reference ${expected[i][j]}`);
        break;
      }
    }
  });
  // Bytes outside the written arrays: unchanged (inputs, padding, the pattern after the last).
  const written = new Uint8Array(bytes);
  offset = 0;
  call.arrays.forEach((a, i) => {
    if (resident[i] && a.role !== 'in')
      written.fill(1, offset, offset + a.length * ctors[i].BYTES_PER_ELEMENT);
    offset += slots[i];
  });
  const now = new Uint8Array(region.buffer(), region.offset, bytes);
  for (let b = 0; b < bytes; b++) {
    if (!written[b] && now[b] !== before[b]) {
      problems.push(`${where}: byte ${b} of the region changed outside the outputs`);
      break;
    }
  }
  return problems;
}

const jsDenseForward = backendKernel('denseForward', jsBackend);
const jsDenseBackward = backendKernel('denseBackward', jsBackend);
const jsAdamUpdate = backendKernel('adamUpdate', jsBackend);
const on = (backend: WasmBackend | 'reference'): Backend => (backend === 'reference' ? jsBackend : backend);

const calls = (wasm: WasmBackend, ctor: Ctor, seed: number): Call[] => {
  const size = (lo: number, span: number, k: number) => lo + ((Math.imul(seed + k, 0x2c1b3c6d) >>> 7) % span);
  const [m, k, n] = [size(1, 13, 1), size(1, 15, 2), size(1, 13, 3)];
  const [rows, cols] = [size(1, 9, 4), size(1, 21, 5)];
  const list: Call[] = [];
  for (const [tA, tB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    list.push({
      name: `matmul ${m}×${k}×${n} ${tA} ${tB}`,
      ctor,
      arrays: [
        { length: m * k, role: 'in' },
        { length: k * n, role: 'in' },
        { length: m * n, role: 'out' },
      ],
      run: (b, [a, bb, out]) => on(b).matmul(a, bb, out, m, k, n, tA, tB),
    });
  }
  const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
  const op = ops[seed % ops.length];
  list.push(
    {
      name: `binary ${op} ${rows}×${cols}`,
      ctor,
      arrays: [
        { length: rows * cols, role: 'in' },
        { length: rows * cols, role: 'in' },
        { length: rows * cols, role: 'out' },
      ],
      run: (b, [a, bb, out]) => on(b).binary(op, a, [cols, 1], bb, [cols, 1], out, [rows, cols]),
    },
    {
      name: `binary ${op} ${rows}×${cols} row broadcast`,
      ctor,
      arrays: [
        { length: rows * cols, role: 'in' },
        { length: cols, role: 'in' },
        { length: rows * cols, role: 'out' },
      ],
      run: (b, [a, bb, out]) => on(b).binary(op, a, [cols, 1], bb, [0, 1], out, [rows, cols]),
    },
    {
      name: `binary ${op} ${rows}×${cols} column broadcast`,
      ctor,
      arrays: [
        { length: rows, role: 'in' },
        { length: rows * cols, role: 'in' },
        { length: rows * cols, role: 'out' },
      ],
      run: (b, [a, bb, out]) => on(b).binary(op, a, [1, 0], bb, [cols, 1], out, [rows, cols]),
    },
  );
  const unaries: UnaryOp[] = ['relu', 'tanh', 'exp', 'sigmoid', 'gelu', 'softplus', 'square', 'log'];
  const u = unaries[seed % unaries.length];
  const count = rows * cols;
  list.push(
    {
      name: `unary ${u} ${count}`,
      ctor,
      arrays: [
        { length: count, role: 'in' },
        { length: count, role: 'out' },
      ],
      run: (b, [x, out]) => on(b).unary(u, x, out, 0.3),
    },
    {
      name: `unaryBackward ${u} ${count}`,
      ctor,
      arrays: [
        { length: count, role: 'in' },
        { length: count, role: 'in' },
        { length: count, role: 'out' },
      ],
      run: (b, [x, dy, dx]) => on(b).unaryBackward(u, x, dy, dx, 0.3),
    },
  );
  const [outer, axis, inner] = [size(1, 5, 6), size(1, 9, 7), size(1, 11, 8)];
  for (const r of ['sum', 'max'] as const) {
    list.push({
      name: `reduce ${r} ${outer}×${axis}×${inner}`,
      ctor,
      arrays: [
        { length: outer * axis * inner, role: 'in' },
        { length: outer * inner, role: 'out' },
      ],
      run: (b, [x, out]) => on(b).reduce(r, x, out, outer, axis, inner),
    });
  }
  for (const log of [false, true]) {
    list.push(
      {
        name: `softmax ${log} ${rows}×${cols}`,
        ctor,
        arrays: [
          { length: count, role: 'in' },
          { length: count, role: 'out' },
        ],
        run: (b, [x, out]) => on(b).softmax(x, out, rows, cols, log),
      },
      {
        name: `softmaxBackward ${log} ${rows}×${cols}`,
        ctor,
        arrays: [
          { length: count, role: 'in' },
          { length: count, role: 'in' },
          { length: count, role: 'out' },
        ],
        run: (b, [y, dy, dx]) => on(b).softmaxBackward(y, dy, dx, rows, cols, log),
      },
    );
  }
  for (const activation of ['relu', 'tanh', 'linear'] as const) {
    for (const withBias of [true, false]) {
      const same = activation === 'linear' && withBias;
      const arrays: Call['arrays'] = [
        { length: m * k, role: 'in' },
        { length: k * n, role: 'in' },
        { length: n, role: 'in' },
        { length: m * n, role: 'out' },
      ];
      if (!same) arrays.push({ length: m * n, role: 'out' });
      list.push({
        name: `denseForward ${activation} bias ${withBias} ${m}×${k}×${n}`,
        ctor,
        arrays,
        run: (b, [x, w, bias, z, y]) => {
          const args = [x, w, withBias ? bias : null, z, same ? z : y, m, k, n, activation, 0] as const;
          if (b === 'reference') jsDenseForward(...args);
          else b.denseForward?.(...args);
        },
      });
    }
  }
  for (const activation of ['tanh', 'linear'] as const) {
    // wIsDw: without dx the fuser passes dw as w (engine/fuse.ts), one array in and out.
    for (const [withDx, withDb, wIsDw] of [
      [true, true, false],
      [false, true, false],
      [true, false, false],
      [false, true, true],
      [false, false, true],
    ]) {
      const same = activation === 'linear' && withDx;
      const arrays: Call['arrays'] = [
        { length: m * k, role: 'in' },
        { length: k * n, role: 'in' },
        { length: m * n, role: 'in' },
        { length: m * n, role: 'in' },
        { length: m * n, role: 'out' },
        { length: m * k, role: 'out' },
        { length: k * n, role: 'out' },
        { length: n, role: 'out' },
      ];
      list.push({
        name: `denseBackward ${activation} dx ${withDx} db ${withDb} w=dw ${wIsDw} ${m}×${k}×${n}`,
        ctor,
        arrays,
        run: (b, [x, w, z, dy, dz, dx, dw, db]) => {
          const args = [
            x,
            wIsDw ? dw : w,
            z,
            dy,
            same ? dy : dz,
            withDx ? dx : null,
            dw,
            withDb ? db : null,
            m,
            k,
            n,
            activation,
            0,
          ] as const;
          if (b === 'reference') jsDenseBackward(...args);
          else b.denseBackward?.(...args);
        },
      });
    }
  }
  const tableRows = size(2, 6, 9);
  const width = size(1, 11, 10);
  const picks = tableRows + size(0, 4, 11);
  const indices = Int32Array.from({ length: picks }, (_, i) => (i * 7 + seed) % tableRows);
  list.push(
    {
      name: `gatherRows ${tableRows}×${width} ${picks}`,
      ctor,
      arrays: [
        { length: tableRows * width, role: 'in' },
        { length: picks * width, role: 'out' },
      ],
      run: (b, [x, out]) =>
        b === 'reference'
          ? gatherRows.reference(x, indices, out, width)
          : b.gatherRows(x, indices, out, width),
    },
    {
      name: `scatterAddRows ${tableRows}×${width} ${picks}`,
      ctor,
      arrays: [
        { length: picks * width, role: 'in' },
        { length: tableRows * width, role: 'out' },
      ],
      run: (b, [g, dx]) =>
        b === 'reference'
          ? scatterAddRows.reference(g, indices, dx, width)
          : b.scatterAddRows(g, indices, dx, width),
    },
  );
  const channels = size(1, 9, 12);
  const shape = [2, size(4, 4, 13), size(4, 5, 14), channels];
  const image = shape.reduce((a, b) => a * b);
  const pool = geometryArgs(
    windowGeometry('test', shape, { kernel: [2, 2], strides: [2, 1], dilation: [1, 1], padding: 'same' }),
  );
  const pooled = shape[0] * pool[12] * pool[13] * channels;
  const conv = geometryArgs(
    windowGeometry('test', shape, { kernel: [3, 2], strides: [1, 1], dilation: [1, 1], padding: 'same' }),
  );
  const patches = shape[0] * conv[12] * conv[13] * 3 * 2 * channels;
  // 'valid' 3×3 on one and three channels (kernel rows of 12 and 36 bytes, not whole vectors): the
  // last patch lies inside the image, where unfold's whole-patch path must not write past the patches
  const thin = [1, 3].map((c) => {
    const thinShape = [2, 5, size(4, 3, 15), c];
    const geometry = geometryArgs(
      windowGeometry('test', thinShape, {
        kernel: [3, 3],
        strides: [1, 1],
        dilation: [1, 1],
        padding: 'valid',
      }),
    );
    const count = thinShape[0] * geometry[12] * geometry[13] * 3 * 3 * c;
    return { thinShape, geometry, image: thinShape.reduce((a, b) => a * b), count };
  });
  list.push(
    {
      name: `maxPool2d ${shape}`,
      ctor,
      arrays: [
        { length: image, role: 'in' },
        { length: pooled, role: 'out' },
      ],
      run: (b, [x, out]) =>
        b === 'reference' ? maxPool2dKernel.reference(x, out, pool) : b.maxPool2d(x, out, pool),
    },
    {
      name: `maxPool2dBackward ${shape}`,
      ctor,
      arrays: [
        { length: image, role: 'in' },
        { length: pooled, role: 'in' },
        { length: image, role: 'out' },
      ],
      run: (b, [x, g, dx]) =>
        b === 'reference'
          ? maxPool2dBackwardKernel.reference(x, g, dx, pool)
          : b.maxPool2dBackward(x, g, dx, pool),
    },
    {
      name: `unfold2d ${shape}`,
      ctor,
      arrays: [
        { length: image, role: 'in' },
        { length: patches, role: 'out' },
      ],
      run: (b, [x, p]) => (b === 'reference' ? unfold2dKernel.reference(x, p, conv) : b.unfold2d(x, p, conv)),
    },
    ...thin.map(({ thinShape, geometry, image: pixels, count }) => ({
      name: `unfold2d valid 3×3 ${thinShape}`,
      ctor,
      arrays: [
        { length: pixels, role: 'in' as const },
        { length: count, role: 'out' as const },
      ],
      run: (b: WasmBackend | 'reference', [x, p]: FloatArray[]) =>
        b === 'reference' ? unfold2dKernel.reference(x, p, geometry) : b.unfold2d(x, p, geometry),
    })),
    {
      name: `fold2d ${shape}`,
      ctor,
      arrays: [
        { length: patches, role: 'in' },
        { length: image, role: 'out' },
      ],
      run: (b, [p, dx]) => (b === 'reference' ? fold2dKernel.reference(p, dx, conv) : b.fold2d(p, dx, conv)),
    },
  );
  const units = size(1, 9, 16);
  const cells = size(1, 4, 17) * units;
  const cell = createLstmCellWasm({ smallCallsOnReference: false, instance: wasm.instance });
  const f64 = (length: number, role: 'in' | 'out') => ({ length, role, ctor: Float64Array });
  const gatesAndAct = [units, 'sigmoid', 0, 'tanh', 0] as const;
  list.push(
    {
      name: `lstmCell ${cells / units}×${units}`,
      ctor,
      arrays: [
        { length: 4 * cells, role: 'in' },
        { length: cells, role: 'in' },
        { length: cells, role: 'out' },
        { length: cells, role: 'out' },
        f64(5 * cells, 'out'),
      ],
      run: (b, [z, c, cNext, h, aux]) =>
        (b === 'reference' ? lstmCellKernel.reference : cell.forward)(
          z,
          c,
          cNext,
          h,
          aux as Float64Array,
          ...gatesAndAct,
        ),
    },
    {
      name: `lstmCellOutputBackward ${cells / units}×${units}`,
      ctor,
      arrays: [
        { length: 4 * cells, role: 'in' },
        { length: cells, role: 'in' },
        f64(5 * cells, 'in'),
        { length: cells, role: 'in' },
        { length: cells, role: 'out' },
        { length: cells, role: 'out' },
      ],
      run: (b, [z, cNext, aux, gh, dzo, dcPart]) =>
        (b === 'reference' ? lstmCellOutputBackwardKernel.reference : cell.outputBackward)(
          z,
          cNext,
          aux as Float64Array,
          gh,
          dzo,
          dcPart,
          ...gatesAndAct,
        ),
    },
    {
      name: `lstmCellStateBackward ${cells / units}×${units}`,
      ctor,
      arrays: [
        { length: 4 * cells, role: 'in' },
        { length: cells, role: 'in' },
        f64(5 * cells, 'in'),
        { length: cells, role: 'in' },
        { length: cells, role: 'in' },
        { length: 4 * cells, role: 'out' },
        { length: cells, role: 'out' },
      ],
      run: (b, [z, c, aux, gc, dzo, dz, dc]) =>
        (b === 'reference' ? lstmCellStateBackwardKernel.reference : cell.stateBackward)(
          z,
          c,
          aux as Float64Array,
          gc,
          dzo,
          dz,
          dc,
          ...gatesAndAct,
        ),
    },
  );
  const gru = createGruCellWasm({ smallCallsOnReference: false, instance: wasm.instance });
  list.push(
    {
      name: `gruCell ${cells / units}×${units}`,
      ctor,
      arrays: [
        { length: 3 * cells, role: 'in' },
        { length: 3 * cells, role: 'in' },
        { length: cells, role: 'in' },
        { length: cells, role: 'out' },
        { length: 3 * cells, role: 'out' },
        f64(3 * cells, 'out'),
      ],
      run: (b, [xp, inner, h, hNext, pre, aux]) =>
        (b === 'reference' ? gruCellKernel.reference : gru.forward)(
          xp,
          inner,
          h,
          hNext,
          pre,
          aux as Float64Array,
          ...gatesAndAct,
        ),
    },
    {
      name: `gruCellBackward ${cells / units}×${units}`,
      ctor,
      arrays: [
        { length: 3 * cells, role: 'in' },
        { length: cells, role: 'in' },
        { length: 3 * cells, role: 'in' },
        f64(3 * cells, 'in'),
        { length: cells, role: 'in' },
        { length: 3 * cells, role: 'out' },
        { length: 3 * cells, role: 'out' },
        { length: cells, role: 'out' },
      ],
      run: (b, [inner, h, pre, aux, g, dxp, dinner, dh]) =>
        (b === 'reference' ? gruCellBackwardKernel.reference : gru.backward)(
          inner,
          h,
          pre,
          aux as Float64Array,
          g,
          dxp,
          dinner,
          dh,
          ...gatesAndAct,
        ),
    },
  );
  if (ctor === Float32Array) {
    for (const amsgrad of [false, true]) {
      const n4 = size(1, 23, 15);
      const v = Float32Array.from(values(Float32Array, n4, seed + 3, false), Math.abs);
      const arrays: Call['arrays'] = [
        { length: n4, role: 'inout' },
        { length: n4, role: 'in' },
        { length: n4, role: 'inout' },
        { length: n4, role: 'inout', values: v },
        { length: n4, role: 'inout', values: v.map((x) => x * 0.5) },
      ];
      const f = Math.fround;
      const scalars = [f(0.001), amsgrad ? f(0.01) : null, f(0.0009), f(0.1), f(0.001), f(1e-7)] as const;
      list.push({
        name: `adamUpdate amsgrad ${amsgrad} ${n4}`,
        ctor,
        arrays,
        run: (b, [w, g, m1, v1, vHat]) => {
          const args = [w, g, m1, v1, amsgrad ? vHat : null, ...scalars] as [
            Float32Array,
            Float32Array,
            Float32Array,
            Float32Array,
            Float32Array | null,
            number,
            number | null,
            number,
            number,
            number,
            number,
          ];
          if (b === 'reference') jsAdamUpdate(...args);
          else b.adamUpdate?.(...args);
        },
      });
    }
  }
  return list;
};

describe('wasm kernels on arrays in their own memory', () => {
  for (const ctor of [Float32Array, Float64Array]) {
    it(`${ctor.name}: every kernel in place (all, some, none resident) equals the reference and writes only its outputs`, () => {
      const wasm = roomy(1 << 17);
      const problems: string[] = [];
      let checked = 0;
      for (let seed = 1; seed <= 12; seed++) {
        for (const call of calls(wasm, ctor, seed)) {
          for (const resident of residencies(call.arrays.length, seed * 37 + checked)) {
            problems.push(...check(wasm, call, resident, seed));
            checked++;
          }
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(500);
    });
  }

  it('a resident array is not copied: the kernel reads the memory where it lies', () => {
    const wasm = fresh();
    const region = wasm.programArena?.(64 * 4 * 3);
    if (!region) throw new Error('no region');
    const view = (k: number) => new Float32Array(region.buffer(), region.offset + k * 256, 64);
    const [a, b, out] = [view(0), view(1), view(2)];
    a.fill(2);
    b.fill(3);
    wasm.binary('mul', a, [1], b, [1], out, [64]);
    expect([...out]).toEqual(Array(64).fill(6));
  });
});

/** A backend with an ordinary (unshared) memory: growing it detaches every view. */
const ordinary = (): WasmBackend => createWasmBackend({ smallCallsOnReference: false, sharedMemory: false });

describe('growth of an ordinary memory around a replay', () => {
  it('a call needing more memory while pinned runs on the reference; the memory grows at the end', () => {
    const wasm = ordinary();
    const region = wasm.programArena?.(4096);
    if (!region) throw new Error('no region');
    const before = region.buffer();
    const resident = new Float32Array(before, region.offset, 256);
    resident.set(values(Float32Array, 256, 5, false));
    // 256×256 and 256×256 outside the memory: about 1 MB of scratch, more than the memory holds.
    const [m, k, n] = [256, 256, 256];
    const a = values(Float32Array, m * k, 6) as Float32Array;
    const b = values(Float32Array, k * n, 7) as Float32Array;
    expect(before.byteLength).toBeLessThan(3 * m * k * 4);
    const expected = new Float32Array(m * n);
    jsBackend.matmul(a, b, expected, m, k, n, false, false);
    const out = new Float32Array(m * n);
    region.begin();
    wasm.matmul(a, b, out, m, k, n, false, false);
    // Still attached: the call ran on the reference instead of growing.
    expect(region.buffer()).toBe(before);
    expect(resident.length).toBe(256);
    region.end();
    expect(out).toEqual(expected);
    // Grown at the end: the views made before are detached, and the next call runs in wasm.
    const after = region.buffer();
    expect(after).not.toBe(before);
    expect(after.byteLength).toBeGreaterThan(before.byteLength);
    expect(resident.length).toBe(0);
    const again = new Float32Array(m * n);
    wasm.matmul(a, b, again, m, k, n, false, false);
    expect(region.buffer()).toBe(after);
    expect(again).toEqual(expected);
  });

  it('a call with a resident array never grows the memory under it (it runs on the reference)', () => {
    const wasm = ordinary();
    const region = wasm.programArena?.(4096);
    if (!region) throw new Error('no region');
    const before = region.buffer();
    const x = new Float32Array(before, region.offset, 512);
    x.set(values(Float32Array, 512, 8, false));
    const w = values(Float32Array, 512 * 300, 9) as Float32Array;
    const out = new Float32Array(300);
    const expected = new Float32Array(300);
    jsBackend.matmul(x, w, expected, 1, 512, 300, false, false);
    wasm.matmul(x, w, out, 1, 512, 300, false, false);
    expect(out).toEqual(expected);
    expect(x.length).toBe(512);
  });

  it('has no resident arrays', () => {
    expect(ordinary().residentArray?.('float32', 4096)).toBeUndefined();
    expect(ordinary().instance.arena.shared).toBe(false);
  });

  it('one program replays at a time', () => {
    const region = fresh().programArena?.(64);
    if (!region) throw new Error('no region');
    region.begin();
    expect(() => region.begin()).toThrow(/inside another/);
    region.end();
  });
});
