import type { Layer } from '../layers/layer.js';

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
  const headers = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const cell = (text: string, i: number) =>
    i === 2 ? ` ${text.padStart(widths[i] - 2)} ` : ` ${text.padEnd(widths[i] - 2)} `;
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
  const bytes = model.layers.reduce(
    (b, l) => b + l.variables.reduce((s, v) => s + v.value.data.byteLength, 0),
    0,
  );
  return [
    `Model: "${model.name}"`,
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
