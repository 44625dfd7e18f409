// Scheduled tasks as an organization admin and a site admin meet them: a pasted crontab line is
// refused on its field, a task is scheduled and shows its next run, "Run now" records a failed run
// with the reason (the namespace does not exist), and the site admin's Tasks, Events and Bot pages
// show the task, the platform's events and that the bot is off (no token in this run); the
// organization's Discord page says so too.
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

async function api(page, endpoint, body) {
  return page.evaluate(async ([endpoint, body]) => {
    const res = await fetch(`/api/core/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }, [endpoint, body]);
}

export const tests = [
  {
    name: 'schedule a task, run it now, and read the admin pages',
    // The bad cron expression is a 422 on purpose.
    allow: [/status of 422/],
    async run({ page, url, shot, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');
      await fetch(`${fakeDiscord}/fake/next-user`, { method: 'POST', body: JSON.stringify({ id: '1001', username: 'ada', global_name: 'Ada Admin' }) });
      await page.goto(url('/login'), { waitUntil: 'networkidle' });
      await page.click('#sign-in-discord');
      await page.waitForURL(url('/'));
      const org = await api(page, 'create_organization', { name: 'Task League' });
      assert(org.status === 200, JSON.stringify(org));
      const orgId = org.body.id;

      await page.goto(url(`/org/${orgId}/tasks`), { waitUntil: 'networkidle' });
      await page.locator('#new-task').waitFor();
      await page.fill('#field-name', 'Post the league presets');
      await page.selectOption('#field-task_type', 'presets.post_list');
      await page.selectOption('#field-schedule', 'cron');
      await page.fill('#field-cron', '0 3 * * * /usr/local/bin/backup');
      await page.fill('#field-config', '{"channel_id": "123456789", "namespace": "no-such-namespace"}');
      await page.click('#new-task button[type=submit]');
      await page.locator('.field-error', { hasText: 'crontab line with its command' }).waitFor();
      await shot('task-cron-error');

      await page.fill('#field-cron', '*/5 * * * *');
      await page.click('#new-task button[type=submit]');
      const row = page.locator('tr[data-task="Post the league presets"]');
      await row.waitFor();
      await row.getByText('cron `*/5 * * * *` (UTC)').waitFor();
      await row.getByText(/^in \d+ min$|^just now$/).first().waitFor();
      await shot('task-scheduled');

      // Run now: the run fails (the namespace does not exist) and says why.
      await row.getByRole('button', { name: 'Run now' }).click();
      await page.getByText(/Started run \d+/).waitFor();
      let failedShown = false;
      for (let i = 0; i < 20 && !failedShown; i++) {
        await page.click('#refresh-tasks');
        await page.waitForTimeout(300);
        failedShown = await page.locator('tr[data-task="Post the league presets"] .task-error', { hasText: 'no-such-namespace' }).count() > 0;
      }
      assert(failedShown, 'the failed run and its reason appear on the task');
      await page.locator('#task-runs tr', { hasText: 'manual' }).first().waitFor();
      await shot('task-failed-run');

      // The organization's Discord page (the bot is a global plugin, so it is always there):
      // it says the site has no bot and lists no servers.
      await page.locator('a', { hasText: /^Discord$/ }).first().click();
      await page.waitForURL(url(`/org/${orgId}/discord`));
      await page.locator('#bot-off').waitFor();
      await page.getByText('No Discord servers linked').waitFor();
      await shot('org-discord');

      // Site admin: the organization's task, the events, the bot.
      await page.goto(url('/admin/tasks'), { waitUntil: 'networkidle' });
      await page.locator('#all-org-tasks', { hasText: 'Post the league presets' }).waitFor();
      await page.locator('#task-runs', { hasText: 'failed' }).waitFor();
      await shot('admin-tasks');
      await page.goto(url('/admin/events'), { waitUntil: 'networkidle' });
      await page.locator('#recent-events', { hasText: 'core.app_started' }).waitFor();
      await page.goto(url('/admin/bot'), { waitUntil: 'networkidle' });
      await page.locator('#bot-status', { hasText: 'no DISCORD_TOKEN' }).waitFor();
      await page.locator('#bot-commands', { hasText: '/preset' }).waitFor();
      await shot('admin-bot');
    },
  },
];
