/**
 * `ditto diverge`'s result as it reads in a terminal.
 *
 * @module
 */

import { formatComparison } from 'ditto/internal';
import type { DivergeResult, TwinSummary } from './diverge.js';

function describeTwin(twin: TwinSummary): string {
  const f = twin.fingerprint;
  return `${twin.label}: ${f.runtime}, backend ${f.backend}, ${f.workers} worker${f.workers === 1 ? '' : 's'}, ${twin.steps} steps`;
}

/**
 * The result as lines of text, e.g.
 *
 * ```text
 * twins: A: node 20.20.2, backend js, 1 worker, 100 steps | B: node 20.20.2, backend js, 1 worker, 100 steps
 * first difference: step 37 (epoch 37, batch 0): dense/kernel differs
 *   weights dense/kernel [1×10 float32]
 *   1 of 10 values differ, at most 1 ulp:
 *     [3] A 0.49261206  B 0.49261209  (1 ulp)
 *   …
 * ```
 */
export function formatDivergeResult(result: DivergeResult): string {
  const [a, b] = result.twins;
  const lines = [`twins: ${describeTwin(a)} | ${describeTwin(b)}`];
  const comparison = result.comparison;
  if (comparison.same && !result.weightsAgree) {
    lines.push(
      `every traced step agrees (${comparison.steps} steps), but the returned models' weights differ:`,
      `  ${a.label} ${a.weightsHash}`,
      `  ${b.label} ${b.weightsHash}`,
      '  The script changed the weights outside fit, or returned a model it did not train with fit.',
    );
  } else if (comparison.same) {
    const hash = a.weightsHash ?? comparison.weightsHash;
    lines.push(
      `the runs never differ: ${comparison.steps} steps, every weight, gradient and optimizer slot identical`,
    );
    if (hash) lines.push(`final weights hash ${hash}`);
  } else {
    lines.push(formatComparison(comparison, { labels: [a.label, b.label] }));
    if (a.weightsHash && b.weightsHash) {
      lines.push(
        a.weightsHash === b.weightsHash
          ? `final weights: identical (${a.weightsHash}) despite the difference`
          : `final weights: ${a.label} ${a.weightsHash.slice(0, 16)}…  ${b.label} ${b.weightsHash.slice(0, 16)}…`,
      );
    }
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
