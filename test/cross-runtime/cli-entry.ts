/** Entry for the command-line runtimes (Node, Bun, Deno): runs the workloads, prints one JSON line. */
import { runWorkloads } from './workloads.js';

console.log(JSON.stringify(await runWorkloads()));
