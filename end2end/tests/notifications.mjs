// A member's notification settings in the browser: every kind is on until they opt out; they
// switch "Match rescheduled" off and set quiet hours (a half-given window is refused next to
// its field), and a reload shows what was stored. "Send me a test notification" answers at once
// — here the site has no Discord bot, so it says so and the message waits in "Sent to you" —
// and the organization's admin finds it in the delivery log.
import { assert, api, signInAs } from '../helpers.mjs';

export const tests = [
  {
    name: 'notification settings: opt out, quiet hours, the test notification and the delivery log',
    // Saving half a quiet window is refused with 422 on purpose.
    allow: [/status of 422/],
    async run({ page, url, shot, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');
      await signInAs(page, url, fakeDiscord, { id: '1001', username: 'ada', global_name: 'Ada Admin' });
      const org = await api(page, '/api/core/create_organization', { name: 'Notified League' });
      assert(org.status === 200, JSON.stringify(org));
      const orgId = org.body.id;
      const on = await api(page, '/api/core/set_plugin_enabled', {
        org_id: orgId, plugin_id: 'notifications', enabled: true, with_dependencies: true,
      });
      assert(on.status === 200, JSON.stringify(on));
      const base = `/org/${orgId}/notifications`;

      await page.goto(url(base), { waitUntil: 'networkidle' });
      const form = page.locator('#notifications-settings');
      await form.waitFor();
      // Every kind is on by default, by Discord direct message.
      for (const kind of ['match_scheduled', 'match_rescheduled', 'match_starting_soon', 'crew_approved', 'seed_ready']) {
        assert(await page.isChecked(`#field-sub-${kind}`), `${kind} is on by default`);
        assert(await page.inputValue(`#field-channel-${kind}`) === 'discord_dm', `${kind} goes by DM`);
      }
      assert(await page.locator('#notifications-no-discord').count() === 0, 'a Discord sign-in links the account');

      // Half a quiet window is refused next to the missing field.
      await page.uncheck('#field-sub-match_rescheduled');
      await page.fill('#field-quiet_end', '07:00');
      await page.click('#notifications-save');
      await page.locator('.field-error', { hasText: 'start of your quiet hours' }).waitFor();

      await page.fill('#field-quiet_start', '22:00');
      await page.click('#notifications-save');
      await page.locator('.success-notice', { hasText: 'Saved.' }).waitFor();
      await shot('notifications-settings');

      // A fresh load shows what was stored.
      await page.goto(url(base), { waitUntil: 'networkidle' });
      await form.waitFor();
      assert(!(await page.isChecked('#field-sub-match_rescheduled')), 'match_rescheduled stayed off');
      assert(await page.isChecked('#field-sub-match_scheduled'), 'match_scheduled stayed on');
      assert(await page.inputValue('#field-quiet_start') === '22:00', 'quiet hours start');
      assert(await page.inputValue('#field-quiet_end') === '07:00', 'quiet hours end');
      const stored = await api(page, '/api/p/notifications/get_settings', { org_id: orgId });
      assert(stored.status === 200 && stored.body.quiet_start === '22:00', JSON.stringify(stored));

      // The test notification: this site has no bot, so the answer says why, and the message
      // waits for a retry in "Sent to you".
      await page.click('#notifications-send-test');
      await page.locator('#notifications-test-result', { hasText: 'not configured' }).waitFor();
      const mine = page.locator('#notifications-my-log');
      await mine.locator('tr', { hasText: 'Test notification' }).waitFor();
      await mine.locator('tr', { hasText: 'Waiting' }).waitFor();
      await shot('notifications-test');

      // The admin's delivery log shows it with its recipient and error.
      await page.goto(url(`${base}/log`), { waitUntil: 'networkidle' });
      const log = page.locator('#notifications-org-log');
      const row = log.locator('tr', { hasText: 'Test notification' });
      await row.waitFor();
      assert((await row.textContent()).includes('ada'), 'the recipient is named');
      await row.locator('.last-error', { hasText: 'not configured' }).waitFor();
      // Filtered to failed ones, it is not there (it is still waiting for a retry).
      await page.selectOption('#field-status', 'dead');
      await page.getByText('No notifications here').waitFor();
      await shot('notifications-log');
    },
  },
];
