// An async qualifier as an organizer and a player meet it in the browser: the organizer creates a
// qualifier, a pool and its seeds; the player starts a run from the dashboard, gets the seed,
// presses Ready, watches the 10-second countdown turn into the running timer, finishes (with the
// confirmation) and finds themselves first on the leaderboard with the par-relative score.
import { assert, api } from '../helpers.mjs';

export const tests = [
  {
    name: 'create a qualifier, run a seed with countdown and timer, finish, leaderboard',
    async run({ page, url, shot, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');
      await fetch(`${fakeDiscord}/fake/next-user`, { method: 'POST', body: JSON.stringify({ id: '1001', username: 'ada', global_name: 'Ada Admin' }) });
      await page.goto(url('/login'), { waitUntil: 'networkidle' });
      await page.click('#sign-in-discord');
      await page.waitForURL(url('/'));
      const org = await api(page, '/api/core/create_organization', { name: 'Async League' });
      assert(org.status === 200, JSON.stringify(org));
      const orgId = org.body.id;
      // Async qualifiers are off until an organization switches them on.
      const on = await api(page, '/api/core/set_plugin_enabled', { org_id: orgId, plugin_id: 'async_qualifier', enabled: true });
      assert(on.status === 200, JSON.stringify(on));

      // The organizer creates the qualifier…
      await page.goto(url(`/org/${orgId}/async/new`), { waitUntil: 'networkidle' });
      await page.fill('#field-name', 'Winter Qualifier');
      await page.fill('#field-description', 'Two seeds, best time wins.');
      await page.click('#qualifier-form button[type=submit]');
      await page.waitForURL(/\/async\/q\/\d+$/);
      const qualifierUrl = page.url();
      const qualifierPath = new URL(qualifierUrl).pathname;

      // …a pool and a seed in it.
      await page.goto(url(`${qualifierPath}/pools`), { waitUntil: 'networkidle' });
      await page.fill('#pool-form #field-name', 'Standard');
      await page.click('#pool-form button[type=submit]');
      await page.getByRole('heading', { name: 'Standard' }).waitFor();
      await page.fill('#field-url', 'https://alttpr.com/h/winter-one');
      await page.click('button:has-text("Add seed")');
      await page.getByText('https://alttpr.com/h/winter-one').first().waitFor();
      await shot('async-pools');

      // The dashboard offers the pool with its remaining runs; starting opens the run page.
      await page.goto(qualifierUrl, { waitUntil: 'networkidle' });
      const chooser = page.locator('#pool-chooser');
      await chooser.getByText('1 run left').waitFor();
      await chooser.getByRole('button', { name: 'Start run' }).click();
      await page.waitForURL(/\/async\/race\/\d+$/);
      await page.locator('#permalink', { hasText: 'https://alttpr.com/h/winter-one' }).waitFor();

      // Ready → a visible countdown → the running timer from the server's start time.
      await page.click('#ready');
      const countdown = page.locator('#countdown');
      await countdown.waitFor({ timeout: 5000 });
      const first = Number(await countdown.textContent());
      assert(first >= 1 && first <= 10, `the countdown starts at 10 or below, saw ${first}`);
      await shot('async-countdown');
      const timer = page.locator('#timer');
      await timer.waitFor({ timeout: 15000 });
      await page.waitForFunction(() => /^0:00:0[1-9]$/.test(document.querySelector('#timer')?.textContent || ''), null, { timeout: 5000 });
      await shot('async-timer');

      // Finish asks first, then shows the final time.
      await page.click('#finish');
      await page.click('#confirm-finish');
      const final = page.locator('#final-time');
      await final.waitFor();
      const finalText = (await final.textContent()).trim();
      assert(/^0:00:\d\d$/.test(finalText), `final time as H:MM:SS, saw "${finalText}"`);
      await page.locator('#vod-form').waitFor();

      // Alone on the seed the player sets its par: 100.0, first place with the gold medal.
      await page.goto(url(`${qualifierPath}/leaderboard`), { waitUntil: 'networkidle' });
      const row = page.locator('#leaderboard tbody tr').first();
      await row.getByText('Ada Admin').waitFor();
      const cells = await row.locator('td').allTextContents();
      assert(cells[0].includes('🥇') && cells[0].includes('1'), `rank cell: ${cells[0]}`);
      assert(cells[2].trim() === '100.0', `score cell: ${cells[2]}`);
      assert(cells[4].trim() === '1', `finished count: ${cells[4]}`);
      await shot('async-leaderboard');
    },
  },
];
