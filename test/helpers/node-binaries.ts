import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './run-tsx.js';

/** The Node majors of the cross-runtime matrix besides the running one (each a different V8). */
export const nodeMajors = [22, 24, 26] as const;
export type NodeMajor = (typeof nodeMajors)[number];

/**
 * The path of the Node `major` binary that scripts/install-node-versions.sh put in
 * .cache/node/v<major>/ (`npm test` runs the script first, as `pretest`).
 *
 * @example
 * execFileSync(nodeBinary(24), ['--version']); // 'v24.…'
 */
export function nodeBinary(major: NodeMajor): string {
  if (!nodeMajors.includes(major)) {
    throw new Error(`nodeBinary: Node ${String(major)} is not in the matrix (${nodeMajors.join(', ')})`);
  }
  const binary = join(repoRoot, '.cache', 'node', `v${major}`, 'bin', 'node');
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(
      `nodeBinary: Node ${major} is not installed at ${binary}; run scripts/install-node-versions.sh (npm test runs it as pretest; Linux x86-64 only)`,
    );
  }
  return binary;
}
