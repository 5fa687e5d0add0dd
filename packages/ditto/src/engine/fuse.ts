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

import { backendKernel } from '../kernels/registry.js';
import type { UnaryOp } from '../numeric/elementwise.js';
import type { FloatArray } from '../tensor/dtype.js';
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

function fuseBackward(
  nodes: readonly Node[],
  i: number,
  numbering: Numbering,
): { node: Node; consumed: number } | undefined {
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
  return { node: { call, ids }, consumed };
}
