/**
 * The engine's diagnostics: when a step cannot be traced it runs eagerly — the same numbers, more
 * slowly — and the engine says so once per owner (a model), never silently.
 */

/** One report: who, and why its step runs eagerly. */
export interface EngineDiagnostic {
  /** The model (or other owner) whose step could not be traced. */
  readonly owner: string;
  /** The step: 'fit', 'predict', … */
  readonly step: string;
  /** What made the traces disagree. */
  readonly reason: string;
}

type Listener = (diagnostic: EngineDiagnostic) => void;

const reports: EngineDiagnostic[] = [];
const defaultListener: Listener = (d) => {
  console.warn(`ditto engine: ${d.owner} ${d.step} runs eagerly (not traceable): ${d.reason}`);
};
let listener: Listener = defaultListener;

/**
 * Replaces where diagnostics go (default: `console.warn`); `null` restores the default. Returns the
 * previous listener.
 *
 * @example
 * ```ts
 * import { onEngineDiagnostic } from 'ditto';
 * onEngineDiagnostic((d) => log.info(`${d.owner}: ${d.reason}`));
 * ```
 */
export function onEngineDiagnostic(fn: Listener | null): Listener {
  const previous = listener;
  listener = fn ?? defaultListener;
  return previous;
}

/** Every diagnostic reported so far in this process, oldest first. */
export function engineDiagnostics(): readonly EngineDiagnostic[] {
  return reports;
}

/** Reports a step that runs eagerly. */
export function reportEager(diagnostic: EngineDiagnostic): void {
  reports.push(diagnostic);
  listener(diagnostic);
}
