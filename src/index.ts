/**
 * ditto — deterministic deep learning in TypeScript.
 *
 * @packageDocumentation
 */
export const VERSION = '0.1.0';
