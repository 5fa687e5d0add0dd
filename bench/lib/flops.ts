/**
 * Floating-point operations of the benchmark's workloads, counted from their shapes: the physical
 * bound of a workload is these operations at the machine's measured peak. Matrix products count
 * 2·m·k·n (one multiply, one add per term); elementwise steps count one operation per element and
 * step (an exp or a log counts as one, though it costs about twenty).
 */

/** Adam's per-element update: 12 operations (docs/optimizers.md's float32 sequence). */
const ADAM_PER_PARAMETER = 12;
/** Adam's per-variable scalars per step: α from the two powers (≈ 2·7 products), √, 2 −, ·, ÷. */
const ADAM_PER_VARIABLE = 19;

/**
 * One fit of the tutorial network: `hidden` units, m samples, full-batch Adam for `epochs` epochs,
 * then one prediction.
 */
export function tutorialFlopsPerFit(m = 9, hidden = 10, epochs = 100): number {
  const forward = 2 * m * hidden + m * hidden + 2 * m * hidden + m;
  const loss = 5 * m + 1 + 2 * m + 2;
  const backward = m + 2 * hidden * m + 2 * m * hidden + m * hidden + 2 * m * hidden;
  const parameters = 3 * hidden + 1;
  const adam = ADAM_PER_PARAMETER * parameters + ADAM_PER_VARIABLE * 4;
  return epochs * (forward + loss + backward + adam) + forward;
}

/**
 * One sample of the MLP d→h relu→c softmax with categorical crossentropy and Adam at batch size b:
 * the five matrix products (forward through both layers, both weight gradients, the hidden
 * layer's input gradient), the elementwise work, and Adam's update shared by the b samples.
 */
export function mlpFlopsPerSample(b = 128, d = 784, h = 128, c = 10): number {
  const matmuls = 2 * d * h + 2 * h * c + 2 * h * c + 2 * h * c + 2 * d * h;
  const elementwise = 4 * h + 30 * c;
  const parameters = d * h + h + h * c + c;
  const adam = (ADAM_PER_PARAMETER * parameters + ADAM_PER_VARIABLE * 4) / b;
  return matmuls + elementwise + adam;
}
