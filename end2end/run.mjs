// Browser tests: node end2end/run.mjs http://127.0.0.1:PORT [name-filter]
// Each file in tests/ exports `tests`: [{ name, run({ page, url, problems, shot }) }].
// Every test gets a fresh browser context; console errors, page errors, failed requests and
// unexpected HTTP errors are collected in `problems` and fail the test unless it expects them.
// Ends with the line "N passed, N failed".
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const baseUrl = (process.argv[2] || '').replace(/\/$/, '');
const filter = process.argv[3] || '';
if (!baseUrl) { console.error('usage: node end2end/run.mjs <base url> [filter]'); process.exit(2); }
const artifacts = path.join(here, 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  // The machine has no outside network: keep chromium from trying to reach it.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let passed = 0, failed = 0;
const files = fs.readdirSync(path.join(here, 'tests')).filter(f => f.endsWith('.mjs')).sort();
for (const file of files) {
  const { tests } = await import(pathToFileURL(path.join(here, 'tests', file)).href);
  for (const test of tests) {
    const title = `${file.replace(/\.mjs$/, '')} › ${test.name}`;
    if (filter && !title.includes(filter)) continue;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = [];
    page.on('console', m => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', e => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', r => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    const shot = async (name) => {
      const file = path.join(artifacts, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    };
    const started = Date.now();
    try {
      await test.run({ page, url: (p = '/') => baseUrl + p, problems, shot });
      const unexpected = problems.filter(p => !(test.allow || []).some(re => re.test(p)));
      if (unexpected.length) throw new Error('browser reported problems:\n  ' + unexpected.join('\n  '));
      passed++;
      console.log(`ok   ${title} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${title}\n     ${String(e.stack || e).split('\n').join('\n     ')}`);
      await page.screenshot({ path: path.join(artifacts, `FAILED-${test.name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
    }
    await context.close();
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
