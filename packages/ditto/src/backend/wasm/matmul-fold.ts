/**
 * The wasm version of tensor/ops/conv.ts's matmulFold2d — a convolution's input gradient,
 * fold2d(dz·wᵀ) — that never writes the patches' gradient out whole: dPatches is computed a block
 * of rows at a time into scratch that stays in cache (the matmul kernel on those rows) and each
 * block is folded into dx (fold2d_rows) before the next. Rows of a product are independent and the
 * fold adds the blocks' rows in ascending order onto dx = +0, so the bits are the reference's.
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { matmulFold2dKernel } from '../../tensor/ops/conv.js';
import type { WasmBackend } from './wasm-backend.js';

/** Bytes of a block of the patches' gradient: a few hundred rows of the (d) CNN's 144, in L2. */
const BLOCK_BYTES = 64 * 1024;
/** Below this many multiply-adds the reference is as fast (as for the fused Dense kernels). */
const SMALL = 512;

type Kind = 'f32' | 'f64';

const kindOf = (...arrays: FloatArray[]): Kind | undefined =>
  arrays.every((x) => x instanceof Float32Array)
    ? 'f32'
    : arrays.every((x) => x instanceof Float64Array)
      ? 'f64'
      : undefined;

/** matmulFold2d on the backend's module instance, its arena's arrays in place. */
export function createMatmulFold2dWasm(
  backend: WasmBackend,
  options: { smallCallsOnReference?: boolean } = {},
): typeof matmulFold2dKernel.reference {
  const small = options.smallCallsOnReference ?? true;
  const { wasm, arena } = backend.instance;
  return (dz, w, dx, m, k, n, geometry) => {
    const [batch, height, width, channels, kh, kw, , , , , , , outH, outW] = geometry;
    const kind = small && m * k * n < SMALL ? undefined : kindOf(dz, w, dx);
    const fits =
      dz.length === m * n &&
      w.length === k * n &&
      dx.length === batch * height * width * channels &&
      m === batch * outH * outW &&
      k === kh * kw * channels;
    const bytes = kind === 'f64' ? 8 : 4;
    const blockRows = Math.max(4, Math.floor(BLOCK_BYTES / Math.max(1, k * bytes)));
    // op(b) = wᵀ [n×k] packed into panels of 32 bytes per row, as the backend's matmul packs it.
    const panelBytes = Math.ceil((k * bytes) / 32) * 32 * n;
    const at = kind && fits && m > 0 && k > 0 && arena.place(dz, w, panelBytes, blockRows * k * bytes, dx);
    if (!kind || !at) {
      matmulFold2dKernel.reference(dz, w, dx, m, k, n, geometry);
      return;
    }
    const [pdz, pw, panels, block, pdx] = at;
    arena.write(pdz, dz);
    arena.write(pw, w);
    const [packB, matmul, foldRows] =
      kind === 'f32'
        ? [wasm.pack_b_f32, wasm.matmul_f32, wasm.fold2d_rows_f32]
        : [wasm.pack_b_f64, wasm.matmul_f64, wasm.fold2d_rows_f64];
    packB(pw, 1, n, panels, n, k);
    // dx = +0, as fold2d's fill(0).
    (kind === 'f32'
      ? new Float32Array(wasm.memory.buffer, pdx, dx.length)
      : new Float64Array(wasm.memory.buffer, pdx, dx.length)
    ).fill(0);
    const g = geometry as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    for (let first = 0; first < m; first += blockRows) {
      const rows = Math.min(blockRows, m - first);
      matmul(pdz + first * n * bytes, n, 1, panels, block, k, rows, n, k);
      foldRows(block, pdx, first, rows, ...g);
    }
    arena.read(pdx, dx);
  };
}
