/**
 * The kernel module's op codes (wasm/kernels.wat's `br_table`s), as src/backend/wasm/wasm-backend.ts
 * uses them. They must stay equal to that file's BINARY_CODES and UNARY_CODES (which are private
 * there); test/backend-threads.test.ts runs every op on threads against the reference, so a drift
 * fails it.
 */
import type { BinaryOp, UnaryOp } from '../../numeric/elementwise.js';

export const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
};

/** Each unary op's code, forward and gradient alike. */
export const UNARY_CODES: Record<UnaryOp, number> = {
  linear: 0,
  neg: 1,
  abs: 2,
  square: 3,
  sqrt: 4,
  relu: 5,
  leakyRelu: 6,
  hardSigmoid: 7,
  softsign: 8,
  log: 9,
  exp: 10,
  elu: 11,
  selu: 12,
  sigmoid: 13,
  tanh: 14,
  softplus: 15,
  swish: 16,
  gelu: 17,
};
