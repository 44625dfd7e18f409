// Plugins as an organization admin uses them: switch the Notes plugin on for one organization
// and off again while another organization keeps using it; the settings form shows a bad value
// on its field; the plugin's page is a 404 where it is off; the site admin sees every plugin.
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
    name: 'switch a plugin on and off for one organization while another keeps it',
    // Pages of a plugin that is off answer 404 on purpose, and a bad setting 422.
    allow: [/status of 404/, /status of 422/],
    async run({ page, url, shot, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');
      await fetch(`${fakeDiscord}/fake/next-user`, { method: 'POST', body: JSON.stringify({ id: '1001', username: 'ada', global_name: 'Ada Admin' }) });
      await page.goto(url('/login'), { waitUntil: 'networkidle' });
      await page.click('#sign-in-discord');
      await page.waitForURL(url('/'));

      const made = [];
      for (const name of ['Plugin League', 'Other League']) {
        const res = await api(page, 'create_organization', { name });
        assert(res.status === 200, `create ${name}: ${JSON.stringify(res)}`);
        made.push(res.body.id);
      }
      const [orgA, orgB] = made;
      // The other organization uses Notes throughout.
      const on = await api(page, 'set_plugin_enabled', { org_id: orgB, plugin_id: 'notes', enabled: true });
      assert(on.status === 200, JSON.stringify(on));

      // Org A: Notes is off; its page is a 404 that says so.
      let res = await page.goto(url(`/org/${orgA}/notes`), { waitUntil: 'networkidle' });
      assert(res.status() === 404, `expected 404, got ${res.status()}`);
      await page.getByText('This organization has not enabled Notes').first().waitFor();

      // Switch it on from the Plugins tab; the Notes tab appears.
      await page.goto(url(`/org/${orgA}/plugins`), { waitUntil: 'networkidle' });
      const row = page.locator('tr[data-plugin="notes"]');
      await row.getByText('Off').waitFor();
      assert(await page.locator('nav a', { hasText: /^Notes$/ }).count() === 0, 'no Notes tab while off');
      await shot('plugins-off');
      await page.click('#toggle-notes');
      // The button's label, not the row's text: "Switch off" would match a plain 'On'/'Off' search.
      await page.locator('#toggle-notes', { hasText: 'Switch off' }).waitFor();
      const tab = page.locator('a', { hasText: /^Notes$/ }).first();
      await tab.waitFor();
      await shot('plugins-on');

      // Its page works (client-side navigation through the gate).
      await tab.click();
      await page.waitForURL(url(`/org/${orgA}/notes`));
      await page.fill('#field-text', 'Bring snacks to the finals');
      await page.click('#notes-add button[type=submit]');
      await page.locator('#notes-entries', { hasText: 'Bring snacks to the finals' }).waitFor();
      await shot('notes-page');

      // Settings generated from the schema: a bad value is shown on its field, then fixed.
      await page.goto(url(`/org/${orgA}/plugins/notes`), { waitUntil: 'networkidle' });
      await page.fill('#field-max_length', '5000');
      await page.click('#plugin-settings button[type=submit]');
      await page.locator('[data-field="max_length"] .field-error', { hasText: '2000' }).waitFor();
      await shot('settings-error');
      await page.fill('#field-max_length', '40');
      await page.click('#plugin-settings button[type=submit]');
      await page.getByText('Saved.').first().waitFor();

      // Switch it off again: its page 404s in org A, org B is unaffected.
      await page.goto(url(`/org/${orgA}/plugins`), { waitUntil: 'networkidle' });
      await page.click('#toggle-notes');
      await page.locator('#toggle-notes', { hasText: 'Switch on' }).waitFor();
      res = await page.goto(url(`/org/${orgA}/notes`), { waitUntil: 'networkidle' });
      assert(res.status() === 404, `expected 404 after switching off, got ${res.status()}`);
      res = await page.goto(url(`/org/${orgB}/notes`), { waitUntil: 'networkidle' });
      assert(res.status() === 200, `org B keeps Notes, got ${res.status()}`);
      await page.getByText('Add an entry').first().waitFor();

      // Switched back on, org A's note is still there (disabling keeps the data).
      await api(page, 'set_plugin_enabled', { org_id: orgA, plugin_id: 'notes', enabled: true });
      await page.goto(url(`/org/${orgA}/notes`), { waitUntil: 'networkidle' });
      await page.locator('#notes-entries', { hasText: 'Bring snacks to the finals' }).waitFor();

      // The site admin's list.
      await page.goto(url('/admin/plugins'), { waitUntil: 'networkidle' });
      await page.locator('#admin-plugins tr[data-plugin="notes"]', { hasText: 'Loaded' }).waitFor();
      await shot('admin-plugins');
    },
  },
];
