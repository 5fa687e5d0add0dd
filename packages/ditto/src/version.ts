/** ditto's version; part of every run's fingerprint (numeric results may change between versions). */
export const VERSION = '0.2.0';
