/**
 * What a run record stores about its experiment's code: the content hash of the module and its
 * local imports (../experiments/module-hash.ts, the same identity the queue uses), plus each file's
 * own SHA-256, so that a refusal can say which files changed.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { moduleContentHash } from '../experiments/module-hash.js';

/** The module's hash and, per file (relative to the module's folder), the file's SHA-256. */
export interface ModuleIdentity {
  hash: string;
  files: Record<string, string>;
}

/**
 * The identity of the experiment module `file` and its local imports.
 *
 * @throws Error naming the file when it does not exist.
 * @example
 * ```ts
 * const { hash, files } = moduleIdentity('examples/experiment.ts');
 * ```
 */
export function moduleIdentity(file: string): ModuleIdentity {
  const { hash, files } = moduleContentHash(file);
  const folder = dirname(resolve(file));
  const hashes: Record<string, string> = {};
  for (const name of files) {
    hashes[name] = createHash('sha256')
      .update(readFileSync(resolve(folder, name)))
      .digest('hex');
  }
  return { hash, files: hashes };
}

/** How two identities' files differ. */
export interface ModuleChanges {
  changed: string[];
  added: string[];
  removed: string[];
}

/** The files that changed, appeared or disappeared between a recorded identity and now. */
export function moduleChanges(recorded: Record<string, string>, now: Record<string, string>): ModuleChanges {
  return {
    changed: Object.keys(recorded).filter((p) => Object.hasOwn(now, p) && now[p] !== recorded[p]),
    added: Object.keys(now).filter((p) => !Object.hasOwn(recorded, p)),
    removed: Object.keys(recorded).filter((p) => !Object.hasOwn(now, p)),
  };
}

/** The changes in words, e.g. "changed experiment.ts, model.ts; now also imports data.ts". */
export function describeChanges(changes: ModuleChanges): string {
  const parts: string[] = [];
  if (changes.changed.length > 0) parts.push(`changed ${changes.changed.join(', ')}`);
  if (changes.added.length > 0) parts.push(`now also imports ${changes.added.join(', ')}`);
  if (changes.removed.length > 0) parts.push(`no longer imports ${changes.removed.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'the files are the same but their hash differs';
}
