/**
 * The child process of `ditto demo`: `setSeed(1)` and the ten tutorial fits, printed as JSON. It
 * imports only the training code, so it starts fast.
 */
import { seededFits } from 'ditto/internal';

process.stdout.write(`${JSON.stringify(await seededFits(Number(process.argv[2] ?? 1)))}\n`);
