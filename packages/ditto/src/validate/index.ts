/**
 * Input validation shared by every public function of the core: option objects with unknown keys,
 * unknown names, arguments of the wrong type or range, and allocations over the limit all fail at
 * the call with a message naming the function, the culprit and (for names) the nearest valid one.
 * docs/models.md, "Validating options", shows how a new function adopts it.
 *
 * @module
 */

export { checkAllocation, formatBytes, MAX_ARRAY_BYTES } from './allocation.js';
export {
  checkArray,
  checkBoolean,
  checkFiniteNumber,
  checkFunction,
  checkInteger,
  checkNonEmptyString,
  checkNonNegativeInteger,
  checkObject,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
  describe,
} from './arguments.js';
export { checkOptions, type OptionSpec, optionNames } from './options.js';
export { didYouMean, editDistance, nearestName } from './suggest.js';
