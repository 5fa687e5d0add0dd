/**
 * Renders an HTML file (an offline report) to a PNG in Debian's Chromium (playwright-core,
 * executablePath explicit), at a fixed viewport so retaken screenshots in docs/ compare by eye:
 *
 *   node --conditions=ditto-source --import tsx scripts/screenshot.ts report.html docs/report-digits-screenshot.png [1100x1700]
 *
 * `--full-page` captures the whole page instead of the viewport.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../test/cross-runtime/chromium.js';

const args = process.argv.slice(2);
const fullPage = args.includes('--full-page');
const [html, png, size = '1100x1700'] = args.filter((arg) => arg !== '--full-page');
const match = /^(\d+)x(\d+)$/.exec(size);
if (!html || !png || !match) {
  process.stderr.write('usage: scripts/screenshot.ts <file.html> <out.png> [WIDTHxHEIGHT] [--full-page]\n');
  process.exit(2);
}
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: Number(match[1]), height: Number(match[2]) } });
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.screenshot({ path: png, fullPage });
} finally {
  await browser.close();
}
process.stderr.write(`wrote ${png}\n`);
