/** The one error a model file's reader throws: it names what is wrong and where. */

/**
 * A model file that cannot be used: truncated, corrupted, tampered with, of a newer format version,
 * or describing a model this ditto cannot build. `field` names the part at fault (a tensor's name,
 * a header field such as `config.layers[2].className`, or `file` for the whole).
 *
 * @example
 * ```ts
 * try { modelFromBytes(bytes); } catch (e) { if (e instanceof ModelFileError) console.error(e.field, e.message); }
 * ```
 */
export class ModelFileError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`model file: ${field}: ${message}`);
    this.name = 'ModelFileError';
    this.field = field;
  }
}
