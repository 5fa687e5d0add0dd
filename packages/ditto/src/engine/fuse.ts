/**
 * Fusing matmul epilogues. Two patterns, each replaced by the backend's fused Dense kernel, which
 * performs the same operations in the same order (backend/backend.ts states its contract), so the
 * bits are those of the calls it replaces:
 *
 * - forward: matmul(x, w) → p; add(p, bias row) → z; unary(f, z) → y  ⇒  denseForward(x, w, bias, z, y)
 *   (the bias add or the activation may be absent; p must be read by the add alone);
 * - backward: unaryBackward(f, z, dy) → dz; sum over the batch (dz) → db; matmul(dz, wᵀ) → dx;
 *   matmul(xᵀ, dz) → dw  ⇒  denseBackward(x, w, z, dy, dz, dx, dw, db) (each but the last optional).
 *
 * Calls must be adjacent in the trace (as a Dense layer's forward and backward are): nothing can run
 * between them and observe an intermediate.
 */

import type { Backend } from '../backend/backend.js';
import { backendKernel } from '../kernels/registry.js';
import type { UnaryOp } from '../numeric/elementwise.js';
import type { FloatArray } from '../tensor/dtype.js';
import { matmulFold2dOn } from '../tensor/ops/conv.js';
import { broadcastStrides } from '../tensor/shape.js';
import type { PrimitiveCall } from './primitive.js';
import type { Node, Numbering } from './program.js';

interface MatmulParams {
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

const isKernel = (node: Node | undefined, kernel: string): node is Node => node?.call.kernel === kernel;
const params = <T>(node: Node): T => node.call.params as T;
const f = (b: unknown) => b as FloatArray;
const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** The nodes with every Dense epilogue fused. */
export function fuse(nodes: readonly Node[], numbering: Numbering): Node[] {
  const uses = new Map<number, number>();
  for (const { ids } of nodes) for (const id of new Set(ids)) uses.set(id, (uses.get(id) ?? 0) + 1);
  const out: Node[] = [];
  for (let i = 0; i < nodes.length; ) {
    const forward = fuseForward(nodes, i, uses, numbering);
    if (forward) {
      out.push(forward.node);
      i += forward.consumed;
      continue;
    }
    const backward = fuseBackward(nodes, i, numbering);
    if (backward) {
      const fold = fuseFold(nodes, i + backward.consumed, backward, uses, numbering);
      if (fold) {
        out.push(fold.dense, fold.node);
        i += backward.consumed + 1;
        continue;
      }
      out.push(backward.node);
      i += backward.consumed;
      continue;
    }
    out.push(nodes[i]);
    i++;
  }
  return out;
}

function floatKind(numbering: Numbering, ids: readonly number[]): boolean {
  const first = numbering.buffers[ids[0]].constructor;
  return (
    (first === Float32Array || first === Float64Array) &&
    ids.every((id) => numbering.buffers[id].constructor === first)
  );
}

function fuseForward(
  nodes: readonly Node[],
  i: number,
  uses: ReadonlyMap<number, number>,
  numbering: Numbering,
): { node: Node; consumed: number } | undefined {
  const mm = nodes[i];
  if (!isKernel(mm, 'matmul')) return undefined;
  const { m, k, n, transposeA, transposeB } = params<MatmulParams>(mm);
  if (transposeA || transposeB) return undefined;
  const [x, w, p] = mm.ids;
  let next = i + 1;
  let bias: number | null = null;
  let z = p;
  const add = nodes[next];
  if (isKernel(add, 'binary') && add.ids[0] === p && uses.get(p) === 2) {
    const a = params<{ op: string; aStrides: number[]; bStrides: number[]; outShape: number[] }>(add);
    const rowStrides = broadcastStrides([m, n], [m, n]);
    const biasStrides = broadcastStrides([n], [m, n]);
    if (
      a.op === 'add' &&
      same(a.aStrides, rowStrides) &&
      same(a.bStrides, biasStrides) &&
      same(a.outShape, [m, n])
    ) {
      bias = add.ids[1];
      z = add.ids[2];
      next++;
    }
  }
  let activation: UnaryOp = 'linear';
  let alpha = 1;
  let y = z;
  const act = nodes[next];
  if (isKernel(act, 'unary') && act.ids[0] === z) {
    ({ op: activation, alpha } = params<{ op: UnaryOp; alpha: number }>(act));
    y = act.ids[1];
    next++;
  }
  const consumed = next - i;
  if (consumed < 2) return undefined;
  const withBias = bias !== null;
  const separateY = y !== z;
  const ids = [x, w, ...(withBias ? [bias as number] : []), z, ...(separateY ? [y] : [])];
  if (!floatKind(numbering, ids) || new Set(ids).size !== ids.length) return undefined;
  const inputCount = withBias ? 3 : 2;
  const call: PrimitiveCall = {
    kernel: 'denseForward',
    signature: `denseForward:${m},${k},${n},${withBias},${activation},${alpha}`,
    buffers: ids.map((id) => numbering.buffers[id]),
    inputCount,
    work: m * k * n,
    params: { m, k, n, activation, alpha },
    run: (backend, b) => {
      const zBuf = f(b[inputCount]);
      const yBuf = separateY ? f(b[inputCount + 1]) : zBuf;
      const biasBuf = withBias ? f(b[2]) : null;
      backendKernel('denseForward', backend)(
        f(b[0]),
        f(b[1]),
        biasBuf,
        zBuf,
        yBuf,
        m,
        k,
        n,
        activation,
        alpha,
      );
    },
  };
  return { node: { call, ids }, consumed };
}

/** A fused Dense backward, and what fuseFold needs to take its dx product out of it. */
interface FusedBackward {
  node: Node;
  consumed: number;
  /** The same call without dx, and dx's product, when it has one. */
  withoutDx?: Node;
  dx?: { id: number; dz: number; w: number; m: number; k: number; n: number };
}

function fuseBackward(nodes: readonly Node[], i: number, numbering: Numbering): FusedBackward | undefined {
  let next = i;
  let activation: UnaryOp = 'linear';
  let alpha = 1;
  let zId: number | null = null;
  let dyId: number | null = null;
  let dzId: number | null = null;
  const ub = nodes[next];
  if (isKernel(ub, 'unaryBackward')) {
    ({ op: activation, alpha } = params<{ op: UnaryOp; alpha: number }>(ub));
    [zId, dyId, dzId] = ub.ids;
    next++;
  }
  let db: number | null = null;
  const red = nodes[next];
  if (
    isKernel(red, 'reduce') &&
    params<{ op: string; outer: number }>(red).op === 'sum' &&
    params<{ outer: number }>(red).outer === 1
  ) {
    if (dzId === null || red.ids[0] === dzId) {
      dzId = red.ids[0];
      db = red.ids[1];
      next++;
    }
  }
  let dx: number | null = null;
  let wId: number | null = null;
  let dxParams: MatmulParams | null = null;
  const mmx = nodes[next];
  if (isKernel(mmx, 'matmul')) {
    const q = params<MatmulParams>(mmx);
    if (!q.transposeA && q.transposeB && (dzId === null || mmx.ids[0] === dzId)) {
      dzId = mmx.ids[0];
      wId = mmx.ids[1];
      dx = mmx.ids[2];
      dxParams = q;
      next++;
    }
  }
  const mmw = nodes[next];
  if (!isKernel(mmw, 'matmul')) return undefined;
  const q = params<MatmulParams>(mmw);
  if (!q.transposeA || q.transposeB || (dzId !== null && mmw.ids[1] !== dzId)) return undefined;
  const [xId, dz, dw] = mmw.ids;
  dzId = dz;
  next++;
  const consumed = next - i;
  if (consumed < 2) return undefined;
  // xᵀ·dz: x is [m×k] (batch m), dz [m×n], dw [k×n].
  const k = q.m;
  const m = q.k;
  const n = q.n;
  if (db !== null) {
    const r = params<{ axis: number; inner: number }>(nodes[i + (zId === null ? 0 : 1)]);
    if (r.axis !== m || r.inner !== n) return undefined;
  }
  if (dxParams && (dxParams.m !== m || dxParams.k !== n || dxParams.n !== k)) return undefined;
  if (wId === null) {
    // Without dx the kernel still needs w's buffer for its signature only: use dw (never read).
    wId = dw;
  }
  const z = zId ?? dzId;
  const dy = dyId ?? dzId;
  if (numbering.buffers[dzId].length !== m * n) return undefined;
  const node = denseBackwardNode(
    numbering,
    { xId, wId, z, dy, dzId, dw, dx, db },
    m,
    k,
    n,
    activation,
    alpha,
  );
  if (!node) return undefined;
  if (dx === null || dxParams === null) return { node, consumed };
  const withoutDx = denseBackwardNode(
    numbering,
    { xId, wId: dw, z, dy, dzId, dw, dx: null, db },
    m,
    k,
    n,
    activation,
    alpha,
  );
  if (!withoutDx) return { node, consumed };
  return { node, consumed, withoutDx, dx: { id: dx, dz: dzId, w: wId, m, k, n } };
}

/** The fused denseBackward call on these buffer numbers (dx and db optional). */
function denseBackwardNode(
  numbering: Numbering,
  b: {
    xId: number;
    wId: number;
    z: number;
    dy: number;
    dzId: number;
    dw: number;
    dx: number | null;
    db: number | null;
  },
  m: number,
  k: number,
  n: number,
  activation: UnaryOp,
  alpha: number,
): Node | undefined {
  const { xId, wId, z, dy, dzId, dw, dx, db } = b;
  const hasDx = dx !== null;
  const hasDb = db !== null;
  // Inputs: x, w, z, dy; outputs: dz (when separate), dw, dx, db.
  const ids = [xId, wId, z, dy, dzId, dw, ...(hasDx ? [dx as number] : []), ...(hasDb ? [db as number] : [])];
  if (!floatKind(numbering, ids)) return undefined;
  const call: PrimitiveCall = {
    kernel: 'denseBackward',
    signature: `denseBackward:${m},${k},${n},${hasDx},${hasDb},${activation},${alpha}`,
    buffers: ids.map((id) => numbering.buffers[id]),
    inputCount: 4,
    work: 2 * m * k * n,
    params: { m, k, n, activation, alpha },
    run: (backend, b) => {
      const dzBuf = f(b[4]);
      backendKernel('denseBackward', backend)(
        f(b[0]),
        f(b[1]),
        f(b[2]),
        f(b[3]),
        dzBuf,
        hasDx ? f(b[6]) : null,
        f(b[5]),
        hasDb ? f(b[hasDx ? 7 : 6]) : null,
        m,
        k,
        n,
        activation,
        alpha,
      );
    },
  };
  return { call, ids };
}

/**
 * A convolution's input gradient: the Dense backward's dx product (the patches' gradient) read only
 * by the next call, fold2d ⇒ the Dense backward without dx, then matmulFold2d(dz, w → the folded
 * image) — the same two kernels in the same order (tensor/ops/conv.ts), so a backend may fold the
 * product block by block and never write the patches' gradient whole.
 */
function fuseFold(
  nodes: readonly Node[],
  next: number,
  backward: FusedBackward,
  uses: ReadonlyMap<number, number>,
  numbering: Numbering,
): { dense: Node; node: Node } | undefined {
  const fold = nodes[next];
  const dx = backward.dx;
  if (!dx || !backward.withoutDx || !isKernel(fold, 'fold2d') || fold.ids[0] !== dx.id) return undefined;
  if (uses.get(dx.id) !== 2) return undefined;
  const geometry = (params<{ staticArgs: unknown[] }>(fold).staticArgs[0] ?? []) as readonly number[];
  const ids = [dx.dz, dx.w, fold.ids[1]];
  if (!floatKind(numbering, ids) || geometry.length !== 14) return undefined;
  const { m, k, n } = dx;
  const kernels = new WeakMap<Backend, ReturnType<typeof matmulFold2dOn>>();
  const call: PrimitiveCall = {
    kernel: 'matmulFold2d',
    signature: `matmulFold2d:${m},${k},${n}:${geometry}`,
    buffers: ids.map((id) => numbering.buffers[id]),
    inputCount: 2,
    work: m * k * n,
    params: { m, k, n, geometry },
    run: (backend, b) => {
      let kernel = kernels.get(backend);
      if (!kernel) kernels.set(backend, (kernel = matmulFold2dOn(backend)));
      kernel(f(b[0]), f(b[1]), f(b[2]), m, k, n, geometry);
    },
  };
  return { dense: backward.withoutDx, node: { call, ids } };
}
