/**
 * Reverse-mode differentiation. Ops record a GradNode on their result when an input requires a
 * gradient; `backward` walks the recorded graph in reverse topological order. Gradients that meet at
 * one tensor are added in the order the walk reaches them, which depends only on the program, so
 * gradient accumulation is as deterministic as everything else.
 */
import { binaryPrimitive, callKernel, fillValue } from '../engine/kernels.js';
import { allocate, type FloatArray } from './dtype.js';
import { formatShape, sameShape } from './shape.js';
import { type GradNode, Tensor } from './tensor.js';

let recording = true;

/** Whether ops currently record gradient history. */
export function isRecording(): boolean {
  return recording;
}

/**
 * Runs `fn` without recording gradient history (like `torch.no_grad`).
 *
 * @example
 * ```ts
 * const y = noGrad(() => model.predict(x));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const previous = recording;
  recording = false;
  try {
    return fn();
  } finally {
    recording = previous;
  }
}

/** Wraps an op's output, attaching its backward function when any input requires a gradient. */
export function record(
  output: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => readonly (Tensor | null)[],
): Tensor {
  if (recording && inputs.some((t) => t.requiresGrad)) {
    output.requiresGrad = true;
    const node: GradNode = { op, inputs, backward };
    output.node = node;
  }
  return output;
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative depth-first post-order, so deep graphs (long trainings) cannot overflow the stack.
  const stack: Array<[Tensor, number]> = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, next] = top;
    const inputs = t.node?.inputs ?? [];
    if (next < inputs.length) {
      top[1]++;
      const child = inputs[next];
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
}

function accumulate(into: Map<Tensor, Tensor>, t: Tensor, g: Tensor): void {
  if (!sameShape(t.shape, g.shape)) {
    throw new Error(
      `backward: gradient of shape ${formatShape(g.shape)} for a tensor of shape ${formatShape(t.shape)}`,
    );
  }
  const previous = into.get(t);
  if (!previous) {
    into.set(t, g);
    return;
  }
  into.set(t, new Tensor(addArrays(previous.data, g.data), t.shape));
}

/**
 * Computes d(root)/d(t) for every tensor t in root's history that requires a gradient, and stores it
 * in `t.grad` for the leaves (tensors made by the user, such as parameters). `grad` defaults to ones
 * (so a scalar loss needs none).
 *
 * @example
 * ```ts
 * const w = tensor([1, 2, 3]); w.requiresGrad = true;
 * backward(sum(mul(w, w)));
 * w.grad!.toArray(); // [2, 4, 6]
 * ```
 */
export function backward(root: Tensor, grad?: Tensor): void {
  if (!root.requiresGrad)
    throw new Error('backward: the tensor does not depend on any tensor that requires a gradient');
  const seed = grad ?? onesLike(root);
  const grads = new Map<Tensor, Tensor>();
  accumulate(grads, root, seed);
  const order = topologicalOrder(root);
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (!g) continue;
      if (!t.node) {
        t.grad = t.grad ? addInto(t.grad, g) : g;
        continue;
      }
      const inputGrads = t.node.backward(g);
      t.node.inputs.forEach((input, k) => {
        const ig = inputGrads[k];
        if (ig && input.requiresGrad) accumulate(grads, input, ig);
      });
    }
  });
}

function addInto(a: Tensor, b: Tensor): Tensor {
  return new Tensor(addArrays(a.data, b.data), a.shape);
}

/** a + b elementwise into a new array (gradients meeting at one tensor), as a primitive call. */
function addArrays(a: FloatArray, b: FloatArray): FloatArray {
  const out = allocate(a instanceof Float32Array ? 'float32' : 'float64', a.length);
  binaryPrimitive('add', a, [1], b, [1], out, [a.length]);
  return out;
}

/** The seed gradient: ones of root's shape, written by a primitive so a trace sees where it comes from. */
function onesLike(root: Tensor): Tensor {
  const data = allocate(root.dtype, root.size);
  callKernel(fillValue, [data], 0, [1]);
  return new Tensor(data, root.shape);
}
