/**
 * The one table of kernel op codes. The WebAssembly module's jump tables are generated in this
 * order (src/kernels/wasm/), and the wasm and threaded backends pass these codes to it, so a code
 * cannot mean one op in the module and another in a backend.
 */
import type { BinaryOp, UnaryOp } from '../numeric/elementwise.js';

/** Binary ops in code order. */
export const BINARY_OP_ORDER = [
  'add',
  'sub',
  'mul',
  'div',
  'maximum',
  'minimum',
] as const satisfies readonly BinaryOp[];

/**
 * Unary ops in code order, forward and gradient alike: first the ops computed with + − × ÷ √ and
 * selections only, then (from {@link FIRST_TRANSCENDENTAL}) those that need ditto's elementary
 * functions. `log` sits on the border: its gradient dy / x is plain arithmetic.
 */
export const UNARY_OP_ORDER = [
  'linear',
  'neg',
  'abs',
  'square',
  'sqrt',
  'relu',
  'leakyRelu',
  'hardSigmoid',
  'softsign',
  'log',
  'exp',
  'elu',
  'selu',
  'sigmoid',
  'tanh',
  'softplus',
  'swish',
  'gelu',
] as const satisfies readonly UnaryOp[];

/** Compile-time check that each table names every op (a missing one makes this type `false`). */
type Covers<All extends string, Listed extends string> = [Exclude<All, Listed>] extends [never]
  ? true
  : false;
const everyBinaryOp: Covers<BinaryOp, (typeof BINARY_OP_ORDER)[number]> = true;
const everyUnaryOp: Covers<UnaryOp, (typeof UNARY_OP_ORDER)[number]> = true;
void everyBinaryOp;
void everyUnaryOp;

function codes<T extends string>(order: readonly T[]): Record<T, number> {
  return Object.fromEntries(order.map((name, code) => [name, code])) as Record<T, number>;
}

export const BINARY_CODES: Record<BinaryOp, number> = codes<BinaryOp>(BINARY_OP_ORDER);
export const UNARY_CODES: Record<UnaryOp, number> = codes<UnaryOp>(UNARY_OP_ORDER);

/** Forward ops from this code on evaluate an elementary function. */
export const FIRST_TRANSCENDENTAL = UNARY_CODES.log;
/** Gradients from this code on evaluate an elementary function. */
export const FIRST_TRANSCENDENTAL_GRADIENT = UNARY_CODES.exp;

/**
 * Epilogue flags of the wasm `matmul_epilogue_<t>` (kernels/wasm/matmul.ts), applied to the final
 * sums in the tile's registers: add the bias row; also store relu(z) at y.
 */
export const EPILOGUE_BIAS = 1;
export const EPILOGUE_RELU = 2;

/**
 * Flags of the wasm `dense_backward_prep_<t>` (kernels/wasm/dense-prep.ts): dz = relu′(z)·dy
 * (otherwise dz is dy, a linear activation); store dz; accumulate db = Σ_i dz.
 */
export const PREP_RELU = 1;
export const PREP_STORE_DZ = 2;
export const PREP_DB = 4;
