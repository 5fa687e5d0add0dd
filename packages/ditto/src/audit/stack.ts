/**
 * Call sites from JavaScript stack traces, in the formats of V8 (Node, Deno, Chromium:
 * `    at fn (file:line:col)`) and of SpiderMonkey and JavaScriptCore (Firefox, Safari, Bun:
 * `fn@file:line:col`). Runtime-neutral: only `Error().stack` is used.
 *
 * @module
 */

/** One frame of a stack trace. */
export interface StackFrame {
  /** The file as a path when the engine gave a `file://` URL or a path, otherwise the URL as given. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The function name the engine reported, if any. */
  readonly fn?: string;
}

/** `file:line:col` (the form editors and terminals turn into links). */
export function formatFrame(frame: StackFrame): string {
  return `${frame.file}:${frame.line}:${frame.column}`;
}

/** The trailing `location:line:col` of a frame line, with or without parentheses. */
const LOCATION = /^(.*?):(\d+):(\d+)\)?$/;

/** Converts `file:///a/b%20c.ts` to `/a/b c.ts` (and `file:///C:/x` to `C:/x`); leaves other text alone. */
export function fileUrlToPathText(location: string): string {
  if (!location.startsWith('file://')) return location;
  let path = location.slice('file://'.length);
  // file:///C:/dir → /C:/dir → C:/dir
  if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function parseLine(raw: string): StackFrame | undefined {
  const line = raw.trim();
  if (line === '') return undefined;
  let fn: string | undefined;
  let location: string;
  if (line.startsWith('at ')) {
    // V8: "at fn (loc:1:2)", "at loc:1:2", "at async fn (loc:1:2)", "at new C (loc:1:2)"
    const body = line.slice(3);
    const open = body.lastIndexOf(' (');
    if (body.endsWith(')') && open >= 0) {
      fn = body.slice(0, open);
      location = body.slice(open + 2);
    } else {
      location = body;
    }
  } else {
    // SpiderMonkey / JavaScriptCore: "fn@loc:1:2" or "@loc:1:2"
    const at = line.indexOf('@');
    if (at < 0) return undefined;
    fn = line.slice(0, at) || undefined;
    location = line.slice(at + 1);
  }
  const match = LOCATION.exec(location);
  if (!match) return undefined;
  const file = fileUrlToPathText(match[1]);
  return { file, line: Number(match[2]), column: Number(match[3]), fn };
}

/**
 * The frames of a stack trace text, innermost first. Lines that carry no `file:line:col` (the
 * message, `at new Promise (<anonymous>)`, native frames) are left out.
 *
 * @example
 * ```ts
 * parseStack('Error\n    at f (file:///app/x.js:3:9)');
 * // [{ file: '/app/x.js', line: 3, column: 9, fn: 'f' }]
 * ```
 */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const raw of stack.split('\n')) {
    const frame = parseLine(raw);
    if (frame) frames.push(frame);
  }
  return frames;
}

/** How many frames to ask the engine for: deep enough to get out of ditto's own call chains. */
const STACK_DEPTH = 64;

/** V8's structured call sites (Node, Deno, Chromium), as far as they are used here. */
interface V8CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

type ErrorWithV8 = {
  stackTraceLimit?: number;
  prepareStackTrace?: (error: Error, sites: V8CallSite[]) => unknown;
  captureStackTrace?: (target: object, below?: unknown) => void;
};

/**
 * V8's call sites of the current stack, below `below`: the positions in the code the engine runs,
 * before any source map (so a frame inside a package's bundle names the bundle in node_modules).
 */
function v8CallSites(below: unknown): V8CallSite[] | undefined {
  const errorCtor = Error as unknown as ErrorWithV8;
  if (typeof errorCtor.captureStackTrace !== 'function') return undefined;
  const saved = errorCtor.prepareStackTrace;
  errorCtor.prepareStackTrace = (_error, sites) => sites;
  try {
    const holder: { stack?: unknown } = {};
    errorCtor.captureStackTrace(holder, below);
    return Array.isArray(holder.stack) ? (holder.stack as V8CallSite[]) : undefined;
  } catch {
    return undefined;
  } finally {
    errorCtor.prepareStackTrace = saved;
  }
}

/** The lines of a stack text that stand for frames (V8's "at …" lines, or "fn@loc" lines). */
function frameLines(stack: string): string[] {
  const lines = stack.split('\n').map((l) => l.trim());
  const v8 = lines.filter((l) => l.startsWith('at '));
  return v8.length > 0 ? v8 : lines.filter((l) => l.includes('@'));
}

/**
 * The current call stack, innermost first, without this function's own frame. Locations are as the
 * stack text gives them — source-mapped where the runtime maps them, so a TypeScript file shows its
 * own lines — except that a frame whose running code lies in node_modules shows that file (a
 * package's source map often points at files that do not exist here). Raises V8's
 * `Error.stackTraceLimit` for the capture only.
 */
export function captureFrames(): StackFrame[] {
  const errorCtor = Error as unknown as ErrorWithV8;
  const saved = errorCtor.stackTraceLimit;
  errorCtor.stackTraceLimit = STACK_DEPTH;
  let stack: string | undefined;
  let sites: V8CallSite[] | undefined;
  try {
    stack = new Error().stack;
    sites = v8CallSites(captureFrames);
  } finally {
    if (saved === undefined) delete errorCtor.stackTraceLimit;
    else errorCtor.stackTraceLimit = saved;
  }
  if (!stack) return [];
  const lines = frameLines(stack).slice(1);
  // Both lists start at the caller; the call sites may run one frame deeper (the limit counts differently).
  const aligned = sites !== undefined && sites.length >= lines.length;
  const frames: StackFrame[] = [];
  lines.forEach((line, i) => {
    const frame = parseLine(line);
    if (!frame) return;
    const site = aligned ? sites?.[i] : undefined;
    const running = site?.getFileName();
    if (
      site &&
      running &&
      /[\\/]node_modules[\\/]/.test(running) &&
      !/[\\/]node_modules[\\/]/.test(frame.file)
    ) {
      frames.push({
        file: fileUrlToPathText(running),
        line: site.getLineNumber() ?? frame.line,
        column: site.getColumnNumber() ?? frame.column,
        fn: frame.fn,
      });
    } else {
      frames.push(frame);
    }
  });
  return frames;
}
