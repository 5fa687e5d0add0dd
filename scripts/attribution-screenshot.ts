/**
 * Makes docs/attribution-screenshot.png: `ditto attribute examples/attribution.ts --export dropout
 * --levels 4 --report …` rendered by Debian's Chromium (playwright-core, executablePath explicit).
 *
 *   node --conditions=ditto-source --import tsx scripts/attribution-screenshot.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { attributeCommand } from '../packages/ditto-node/src/cli/commands/attribute.js';
import { launchChromium } from '../test/cross-runtime/chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'ditto-attribution-shot-'));
const report = join(dir, 'attribution.html');
try {
  await attributeCommand('examples/attribution.ts', {
    export: 'dropout',
    levels: '4',
    record: false,
    report,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await page.goto(pathToFileURL(report).href);
    await page.screenshot({ path: 'docs/attribution-screenshot.png', fullPage: true });
  } finally {
    await browser.close();
  }
  process.stderr.write('wrote docs/attribution-screenshot.png\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
