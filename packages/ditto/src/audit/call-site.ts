/**
 * Who made a call: the frames of a stack sorted into ditto's own code, the runtime's internals,
 * third-party packages and the user's code, and the call site the guard reports.
 *
 * @module
 */

import { fileUrlToPathText, parseStack, type StackFrame } from './stack.js';

/** Where a frame's code comes from. */
export type FrameOrigin = 'ditto' | 'runtime' | 'dependency' | 'user';

let cachedRoot: string | undefined;

/**
 * Where this module lies when `import.meta.url` is missing: a CommonJS or classic-script bundle
 * (bundlers leave `import.meta` empty there) has all of ditto in one file, which the first frame of
 * a fresh stack names. `undefined` when the engine gives no usable stack.
 */
function bundleFileFromStack(): string | undefined {
  const frame = parseStack(new Error().stack ?? '')[0];
  return frame && frame.file !== '' ? frame.file : undefined;
}

/**
 * ditto's own source root, as stack frames spell it: the directory above this module's (`src/` when
 * run from source, `dist/` when built, `node_modules/ditto/dist/` when installed), or the bundle
 * file itself when ditto was bundled into CommonJS or a classic script. Computed on first use, not
 * at load, so that a bundle without `import.meta` loads at all.
 *
 * @example
 * ```ts
 * dittoRoot(); // '/app/node_modules/ditto/dist/'
 * ```
 */
export function dittoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  const url: unknown = (import.meta as { url?: unknown }).url;
  if (typeof url === 'string' && url !== '') {
    cachedRoot = fileUrlToPathText(new URL('../', url).href);
  } else {
    // No location at all: a root no file name starts with, so no frame is taken for ditto's.
    cachedRoot = bundleFileFromStack() ?? '\0no-ditto-root\0';
  }
  return cachedRoot;
}

function isAbsoluteLocation(file: string): boolean {
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || /^(https?|blob|file):/i.test(file);
}

/** Sorts a frame by the file it lies in. */
export function frameOrigin(frame: StackFrame, root: string = dittoRoot()): FrameOrigin {
  const file = frame.file;
  if (file.startsWith(root)) return 'ditto';
  if (
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    file === 'native' ||
    file.startsWith('<') ||
    file.startsWith('[')
  ) {
    return 'runtime';
  }
  if (file.includes('/node_modules/') || file.includes('\\node_modules\\')) return 'dependency';
  // A relative location comes from a package's source map ('tfjs-core/src/util_base.ts',
  // 'webpack://…'): the user's own files appear with absolute paths or the page's URLs.
  if (!isAbsoluteLocation(file)) return 'dependency';
  return 'user';
}

/** The parts of a stack the guard reports. */
export interface CallSite {
  /**
   * The first frame outside ditto and the runtime: the code that made the call (third-party or
   * user code), or, for a call ditto makes on the user's behalf, the user's line that led to it.
   */
  readonly site: StackFrame | undefined;
  /** The first frame of the user's own code (outside ditto, the runtime and node_modules), if any. */
  readonly userSite: StackFrame | undefined;
  /**
   * True when the call was made by ditto or by a package ditto called: the innermost frame outside
   * the runtime and node_modules is one of ditto's. ditto's own uses of these sources are limited to
   * non-result purposes (progress timing) and checked by its determinism lint.
   */
  readonly byDitto: boolean;
}

/** Locates the reported call site in a stack (innermost frame first, the guard's frames removed). */
export function locateCallSite(frames: readonly StackFrame[], root: string = dittoRoot()): CallSite {
  let site: StackFrame | undefined;
  let userSite: StackFrame | undefined;
  let innermostOwnCode: FrameOrigin | undefined;
  for (const frame of frames) {
    const origin = frameOrigin(frame, root);
    if (origin === 'runtime') continue;
    if (innermostOwnCode === undefined && origin !== 'dependency') innermostOwnCode = origin;
    if (site === undefined && origin !== 'ditto') site = frame;
    if (userSite === undefined && origin === 'user') userSite = frame;
    if (site && userSite && innermostOwnCode) break;
  }
  return { site, userSite, byDitto: innermostOwnCode === 'ditto' };
}
