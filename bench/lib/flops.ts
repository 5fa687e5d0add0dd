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

/**
 * One sample of LSTM(u) → Dense(1) on `steps` timesteps of f features: the matrix products only
 * (per step x·W and h·U forward; U's and W's gradients and the recurrent state's gradient
 * dz·Uᵀ backward; the first layer's input gradient is not computed). The elementwise work is
 * counted apart, as values of the transcendental gate functions: their cost per value, not a flop
 * count, is what bounds it.
 */
export function lstmMatmulFlopsPerSample(steps = 20, units = 32, features = 1): number {
  const gates = 4 * units;
  const forward = 2 * features * gates + 2 * units * gates;
  const backward = 2 * features * gates + 2 * units * gates + 2 * units * gates;
  const dense = 2 * units * 3;
  return steps * (forward + backward) + dense;
}

/**
 * Transcendental values of one LSTM sample per direction (forward or backward): three sigmoid
 * gates and two tanh (the candidate and the cell output) of `units` each, per step.
 */
export function lstmGateValuesPerSample(steps = 20, units = 32): { sigmoid: number; tanh: number } {
  return { sigmoid: steps * 3 * units, tanh: steps * 2 * units };
}

/**
 * One sample of the (d) CNN on 28×28×1: Conv2D(16, 3) → MaxPooling2D → Conv2D(32, 3) → GAP →
 * Dense(10), its matrix products forward and backward (each convolution as unfold + matmul:
 * forward, weight gradient, and the patches' gradient for the second convolution only).
 */
export function cnnMatmulFlopsPerSample(): number {
  const conv = (positions: number, k: number, n: number) => 2 * positions * k * n;
  const conv1 = conv(26 * 26, 9, 16);
  const conv2 = conv(11 * 11, 144, 32);
  const dense = 2 * 32 * 10;
  return 2 * conv1 + 3 * conv2 + 3 * dense;
}
