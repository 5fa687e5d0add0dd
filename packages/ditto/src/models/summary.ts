import type { Layer } from '../layers/layer.js';
import type { SymbolicTensor } from './symbolic.js';

interface Summarisable {
  readonly name: string;
  readonly layers: readonly Layer[];
}

function shapeText(shape: readonly number[]): string {
  return `(None, ${shape.join(', ')})`;
}

/** Keras-like summary table. */
export function formatSummary(model: Summarisable): string {
  const rows: string[][] = [];
  let shape = model.layers[0].inputShape;
  let total = 0;
  let trainable = 0;
  for (const layer of model.layers) {
    shape = layer.computeOutputShape(shape);
    const params = layer.countParams();
    total += params;
    trainable += layer.trainableVariables.reduce((n, v) => n + v.value.size, 0);
    rows.push([
      `${layer.name} (${layer.constructor.name})`,
      shapeText(shape),
      params.toLocaleString('en-US'),
    ]);
  }
  const bytes = model.layers.reduce(
    (b, l) => b + l.variables.reduce((s, v) => s + v.value.data.byteLength, 0),
    0,
  );
  return table(model.name, ['Layer (type)', 'Output Shape', 'Param #'], rows, total, trainable, bytes);
}

/** The box-drawn table and the parameter totals under it (the Param # column right-aligned). */
function table(
  name: string,
  headers: readonly string[],
  rows: readonly string[][],
  total: number,
  trainable: number,
  bytes: number,
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const cell = (text: string, i: number) =>
    i === 2 ? ` ${text.padStart(widths[i] - 2)} ` : ` ${text.padEnd(widths[i] - 2)} `;
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
  return [
    `Model: "${name}"`,
    rule('┌', '┬', '┐'),
    `│${headers.map(cell).join('│')}│`,
    rule('├', '┼', '┤'),
    ...rows.map((r) => `│${r.map(cell).join('│')}│`),
    rule('└', '┴', '┘'),
    ` Total params: ${total.toLocaleString('en-US')} (${bytes.toLocaleString('en-US')} B)`,
    ` Trainable params: ${trainable.toLocaleString('en-US')}`,
    ` Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
  ].join('\n');
}

/**
 * Keras-like summary of a functional model: one row per Input and per layer application, with
 * the tensors it reads (`layer[node][0]`, Keras's notation); a shared layer's weights are counted
 * once, at its first application.
 */
export function formatGraphSummary(
  name: string,
  inputs: readonly SymbolicTensor[],
  order: readonly SymbolicTensor[],
  layers: readonly Layer[],
): string {
  const rows: string[][] = [];
  const labels = new Map<SymbolicTensor, string>();
  const applications = new Map<Layer, number>();
  for (const input of inputs) {
    labels.set(input, `${input.name}[0][0]`);
    rows.push([`${input.name} (InputLayer)`, shapeText(input.shape), '0', '-']);
  }
  for (const t of order) {
    const layer = t.node.layer as Layer;
    const index = applications.get(layer) ?? 0;
    applications.set(layer, index + 1);
    labels.set(t, `${layer.name}[${index}][0]`);
    const connected = t.node.inputs.map((s) => labels.get(s) ?? s.name).join(', ');
    const params = index === 0 ? layer.countParams() : 0;
    rows.push([
      `${layer.name} (${layer.constructor.name})`,
      shapeText(t.shape),
      params.toLocaleString('en-US'),
      connected,
    ]);
  }
  const total = layers.reduce((n, l) => n + l.countParams(), 0);
  const trainable = layers.reduce(
    (n, l) => n + l.trainableVariables.reduce((s, v) => s + v.value.size, 0),
    0,
  );
  const bytes = layers.reduce((b, l) => b + l.variables.reduce((s, v) => s + v.value.data.byteLength, 0), 0);
  return table(
    name,
    ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'],
    rows,
    total,
    trainable,
    bytes,
  );
}
