/**
 * One twin of `ditto diverge`, run as its own process: selects the backend, traces every training
 * step of the script and writes the trace as JSON. In the second pass it captures one tensor's
 * values at one step and stops there.
 *
 * Usage (by diverge only): `node [--import tsx] twin-child.js '<TwinConfig as JSON>'`.
 *
 * @module
 */

import { writeFileSync } from 'node:fs';
import { getBackend, parseSeed, traceToJSON, traceTraining, VERSION } from 'ditto/internal';
import { runScript, selectBackend } from './script.js';
import { encodeValues, type TwinConfig, type TwinFailure, type TwinOutput } from './twin-protocol.js';

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as TwinConfig;
  await selectBackend(config.backend);
  const fingerprint = {
    ditto: VERSION,
    backend: getBackend().name,
    runtime: `node ${process.versions.node}`,
    platform: `${process.platform}-${process.arch}`,
    workers: config.workers,
  };
  const trace = traceTraining(undefined, {
    ...(config.capture ? { capture: config.capture } : {}),
    onStep: (_step, captured) => {
      if (!captured) return;
      // The second pass needs nothing after the captured step: write and stop here.
      const { values, ...rest } = captured;
      const output: TwinOutput = {
        fingerprint,
        trace: traceToJSON(trace.stop()),
        captured: { ...rest, values: encodeValues(values) },
      };
      writeFileSync(config.out, JSON.stringify(output));
      process.exit(0);
    },
  });
  const outcome = await runScript(config.script, {
    seed: config.seed === undefined ? undefined : parseSeed(config.seed),
    workers: config.workers,
    backend: getBackend().name,
    twin: config.twin,
    tool: 'diverge',
    ...(config.repeat !== undefined ? { repeat: config.repeat } : {}),
    ...(config.exportName !== undefined ? { exportName: config.exportName } : {}),
  });
  const data = trace.stop();
  const weightsHash = outcome.model?.weightsHash() ?? data.fits[data.fits.length - 1]?.weightsHash;
  const output: TwinOutput = {
    fingerprint,
    trace: traceToJSON(data),
    ...(weightsHash ? { weightsHash } : {}),
  };
  writeFileSync(config.out, JSON.stringify(output));
}

main().then(
  // Worker pools or timers a script leaves open must not keep the twin alive.
  () => process.exit(0),
  (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    const failure: TwinFailure = { error: { name: e.name, message: e.message, stack: e.stack ?? e.message } };
    try {
      const config = JSON.parse(process.argv[2] ?? '') as TwinConfig;
      writeFileSync(config.out, JSON.stringify(failure));
    } catch {
      process.stderr.write(`${failure.error.stack}\n`);
    }
    process.exit(1);
  },
);
