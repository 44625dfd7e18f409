// Browser tests: node end2end/run.mjs http://127.0.0.1:PORT [name-filter]
// Each file in tests/ exports `tests`: [{ name, run({ page, openPage, url, problems, shot,
// fakeDiscord, setupUrl }) }], and may export `first = true` to run before the other files.
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
// Each test is failed (with its name) when it has not finished by then: a hang never stalls the
// run. Playwright's own waits stop at 30 s each; this bounds the test as a whole.
const TEST_LIMIT_MS = Number(process.env.E2E_TEST_LIMIT_MS || 180000);
const timeLimit = (title) => {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${title} did not finish within ${TEST_LIMIT_MS / 1000} s`)), TEST_LIMIT_MS);
  });
  return { expired, clear: () => clearTimeout(timer) };
};
fs.mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  // The machine has no outside network: keep chromium from trying to reach it.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let passed = 0, failed = 0;
// In name order, except that a file exporting `first = true` runs before the others (the
// first-run test needs the site before anyone has signed in).
const names = fs.readdirSync(path.join(here, 'tests')).filter(f => f.endsWith('.mjs')).sort();
const files = [];
for (const file of names) {
  files.push({ file, module: await import(pathToFileURL(path.join(here, 'tests', file)).href) });
}
files.sort((a, b) => Number(Boolean(b.module.first)) - Number(Boolean(a.module.first)));
for (const { file, module: { tests } } of files) {
  for (const test of tests) {
    const title = `${file.replace(/\.mjs$/, '')} › ${test.name}`;
    if (filter && !title.includes(filter)) continue;
    const problems = [];
    const contexts = [];
    // A fresh browser (own cookies) whose problems are collected for this test.
    const openPage = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', m => { if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`); });
      page.on('pageerror', e => problems.push(`page error: ${e.message}`));
      // ERR_ABORTED is a navigation cancelling a load in flight (a test moving on), not a fault.
      page.on('requestfailed', r => {
        if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
      });
      // A click on one of our pages waits until the page is hydrated (`<html data-hydrated>`):
      // forms dispatch their server action only then, and a click before it is lost. On a busy
      // machine a freshly loaded page can take seconds to get there.
      const click = page.click.bind(page);
      page.click = async (selector, options) => {
        if (page.url().startsWith(baseUrl)) {
          await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30000 });
        }
        return click(selector, options);
      };
      return page;
    };
    const page = await openPage();
    const shot = async (name, which = page) => {
      const file = path.join(artifacts, `${name}.png`);
      await which.screenshot({ path: file, fullPage: true });
      return file;
    };
    const fakeDiscord = process.env.FAKE_DISCORD_URL;
    // The one-time setup link the server printed when it started on its empty database.
    const setupUrl = process.env.E2E_SETUP_URL;
    const started = Date.now();
    const limit = timeLimit(title);
    try {
      await Promise.race([
        test.run({ page, openPage, url: (p = '/') => baseUrl + p, problems, shot, fakeDiscord, setupUrl }),
        limit.expired,
      ]);
      const unexpected = problems.filter(p => !(test.allow || []).some(re => re.test(p)));
      if (unexpected.length) throw new Error('browser reported problems:\n  ' + unexpected.join('\n  '));
      passed++;
      console.log(`ok   ${title} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${title}\n     ${String(e.stack || e).split('\n').join('\n     ')}`);
      // What the browser said meanwhile often explains the failure (a hydration panic, say).
      if (problems.length) console.log(`     browser reported:\n       ${problems.join('\n       ')}`);
      await page.screenshot({ path: path.join(artifacts, `FAILED-${test.name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
    } finally {
      limit.clear();
    }
    for (const context of contexts) await context.close();
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
