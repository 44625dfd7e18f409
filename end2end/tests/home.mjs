// The home page renders on the server, then hydrates: the Refresh button only works once the
// wasm has taken over, and it calls a server function.
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

export const tests = [
  {
    name: 'home page hydrates and refreshes the server time',
    async run({ page, url, shot }) {
      const res = await page.goto(url('/'), { waitUntil: 'networkidle' });
      assert(res.status() === 200, `home page status ${res.status()}`);
      assert((await page.title()) === 'SahaBot', `title is "${await page.title()}"`);
      const time = page.locator('#server-time');
      const before = Number(await time.getAttribute('data-ms'));
      assert(before > 0, 'server time is rendered on the server');
      // The stylesheet applied: the header's brand mark has a coloured background.
      const bg = await page.locator('header a span').first().evaluate(e => getComputedStyle(e).backgroundColor);
      assert(bg !== 'rgba(0, 0, 0, 0)', `tailwind styles are not applied (brand background ${bg})`);

      await page.waitForTimeout(50);
      await page.click('#refresh-status');
      await page.waitForFunction(() => document.querySelector('#refresh-count')?.textContent.includes('refreshed once'), null, { timeout: 15000 });
      await page.waitForFunction(b => Number(document.querySelector('#server-time')?.dataset.ms) > b, before, { timeout: 15000 });
      await page.click('#refresh-status');
      await page.waitForFunction(() => document.querySelector('#refresh-count')?.textContent.includes('refreshed 2 times'), null, { timeout: 15000 });
      await shot('home');
    },
  },
  {
    name: 'home page is usable at 360 px wide',
    async run({ page, url, shot }) {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(url('/'), { waitUntil: 'networkidle' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(overflow <= 0, `page scrolls sideways by ${overflow}px at 360px`);
      await shot('home-mobile');
    },
  },
  {
    name: 'unknown pages answer 404 and lead back home',
    // The 404 itself is expected here.
    allow: [/404/],
    async run({ page, url, shot }) {
      const res = await page.goto(url('/no/such/page'), { waitUntil: 'networkidle' });
      assert(res.status() === 404, `status ${res.status()}`);
      await page.getByText('Page not found').first().waitFor();
      await shot('not-found');
      await page.click('text=Go to the home page');
      await page.waitForURL(url('/'));
      await page.locator('#server-time').waitFor();
    },
  },
];
