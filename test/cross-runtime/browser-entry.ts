/**
 * Entry for the browsers: runs the workloads and POSTs the report (or the error) to the test's
 * server at /result?runtime=…, the only request the page makes besides loading itself.
 */
import { runWorkloads } from './workloads.js';

const runtime = new URLSearchParams(location.search).get('runtime') ?? 'browser';
const status = document.getElementById('status');

async function post(body: unknown): Promise<void> {
  await fetch(`/result?runtime=${encodeURIComponent(runtime)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

try {
  const report = await runWorkloads();
  await post({ report });
  if (status) status.textContent = 'done';
} catch (error) {
  await post({ error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
  if (status) status.textContent = 'failed';
}
