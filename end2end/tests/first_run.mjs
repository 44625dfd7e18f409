// The first run, before anyone has signed in (this file runs first): the home page says where
// the one-time setup link is; the link's form creates the first admin and signs them in; the
// link then no longer works, and the home page's notice is gone.
import { assert, api } from '../helpers.mjs';

export const first = true;

export const tests = [
  {
    name: 'the setup link creates the first site admin and signs them in, once',
    // The used link answers 404 on purpose.
    allow: [/status of 404/],
    async run({ page, openPage, url, setupUrl, shot }) {
      assert(setupUrl, 'scripts/e2e.sh passes the setup link the server printed (E2E_SETUP_URL)');
      await page.goto(url('/'), { waitUntil: 'networkidle' });
      await page.locator('#first-run', { hasText: 'setup link' }).waitFor();

      await page.goto(setupUrl, { waitUntil: 'load' });
      await page.fill('#field-username', 'first-admin');
      await shot('first-run-setup');
      // A plain HTML form (no hydration on this page): the locator's click, not the wrapper's.
      await Promise.all([
        page.waitForURL(url('/')),
        page.locator('#setup-submit').click(),
      ]);
      const me = await api(page, '/api/core/whoami', {});
      assert(me.status === 200 && me.body?.username === 'first-admin', JSON.stringify(me));
      assert(me.body.level === 'Superadmin', `level ${me.body.level}`);
      await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
      assert(await page.locator('#first-run').count() === 0, 'the notice is gone once there is an admin');

      // Someone else with the same link: refused, nobody signed in.
      const other = await openPage();
      const res = await other.goto(setupUrl, { waitUntil: 'load' });
      assert(res.status() === 404, `a used link answers ${res.status()}`);
      await other.locator('#problem', { hasText: 'not valid' }).waitFor();
      const nobody = await api(other, '/api/core/whoami', {});
      assert(nobody.body === null, `signed in through a used link: ${JSON.stringify(nobody)}`);
    },
  },
];
