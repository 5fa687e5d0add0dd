/**
 * Which source of randomness makes the tutorial's results vary? `ditto attribute` finds the
 * sources each experiment draws from, varies them in a crossed design while the others stay
 * bit-fixed, and splits the variance of every metric among them (docs/attribution.md).
 *
 *   ditto attribute examples/attribution.ts --export default     # full batch: init and order
 *   ditto attribute examples/attribution.ts --export dropout --levels 4 --report attribution.html
 */
import { dropoutTutorialExperiment, tutorialExperiment } from 'ditto';

export default tutorialExperiment({ seed: 7 });

export const dropout = dropoutTutorialExperiment({ seed: 7 });
