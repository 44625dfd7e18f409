// The first run, before anyone has signed in (this file runs first): the home page says where
// the one-time setup link is; the link's form creates the first admin and signs them in; the
// link then no longer works, and the home page's notice is gone. The new admin then opens
// Site admin → Sign-in and checks the Discord application live.
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

      // Next, Discord sign-in: the set-up page shows what to register and checks it live.
      await page.goto(url('/admin/sign-in'), { waitUntil: 'networkidle' });
      await page.locator('#discord-sign-in-status', { hasText: 'configured' }).waitFor();
      const redirects = await page.locator('#discord-redirect-urls').innerText();
      assert(redirects.includes(url('/auth/callback')), `redirect URLs: ${redirects}`);
      assert(redirects.includes(url('/api/p/discordbot/link_callback')), `redirect URLs: ${redirects}`);
      assert((await page.locator('#discord-config-file').innerText()).endsWith('sahabot.toml'), 'names the config file');
      assert(!(await page.content()).includes('e2e-secret'), 'the page never shows the secret');
      await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
      await page.locator('#check-discord-sign-in').click();
      await page.locator('#discord-check-result', { hasText: 'SahaBot e2e app' }).waitFor();
      await shot('admin-sign-in-checked');

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
