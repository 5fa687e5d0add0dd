/**
 * How the command line reports an error: one line naming the command, never a stack trace unless
 * asked for (--debug). A user's mistake (a missing file, a bad value) and a bug look the same to
 * the reader; --debug tells them apart.
 *
 * @module
 */

/**
 * The line `ditto <command>: <message>` (the message's lines joined), or with `debug` the stack.
 *
 * @example
 * ```ts
 * formatCliError(new Error('no such run'), 'show', false); // "ditto show: no such run"
 * ```
 */
export function formatCliError(error: unknown, command: string | undefined, debug: boolean): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const prefix = command === undefined ? 'ditto' : `ditto ${command}`;
  if (debug) return `${prefix}: ${e.stack ?? e.message}${causeStack(e)}`;
  const message = e.message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
  return `${prefix}: ${message || e.name}`;
}

function causeStack(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `\ncaused by: ${cause.stack ?? cause.message}` : '';
}
