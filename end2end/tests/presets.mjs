// Presets as people use them: create a namespace and a preset, see a YAML mistake shown on the
// field with its line, fix it, find the preset by searching; another organization that switched
// Presets off gets a 404 page.
import { assert, api } from '../helpers.mjs';

export const tests = [
  {
    name: 'namespace, preset with a YAML error fixed inline, search; off in another org',
    // The YAML check answers 422 on purpose, the switched-off org's page 404.
    allow: [/status of 422/, /status of 404/],
    async run({ page, url, shot, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');
      await fetch(`${fakeDiscord}/fake/next-user`, { method: 'POST', body: JSON.stringify({ id: '1001', username: 'ada', global_name: 'Ada Admin' }) });
      await page.goto(url('/login'), { waitUntil: 'networkidle' });
      await page.click('#sign-in-discord');
      await page.waitForURL(url('/'));
      const a = await api(page, '/api/core/create_organization', { name: 'Preset League' });
      const b = await api(page, '/api/core/create_organization', { name: 'No Presets Here' });
      assert(a.status === 200 && b.status === 200, JSON.stringify([a, b]));
      const orgA = a.body.id, orgB = b.body.id;

      // A namespace owned by the organization.
      await page.goto(url(`/org/${orgA}/presets/namespaces`), { waitUntil: 'networkidle' });
      await page.fill('#field-slug', 'league-presets');
      await page.fill('#field-display_name', 'League presets');
      await page.locator('#field-owner').selectOption('org');
      await page.click('#create-namespace button[type=submit]');
      await page.locator('#namespace-list [data-namespace="league-presets"]', { hasText: 'Preset League' }).waitFor();
      await shot('presets-namespaces');

      // A preset: the YAML mistake is shown on the field with its line, then fixed.
      await page.goto(url(`/org/${orgA}/presets/new`), { waitUntil: 'networkidle' });
      await page.fill('#field-name', 'Open Fast Ganon');
      await page.fill('#field-yaml', 'goal: fast_ganon\nmode: [open\nswords: randomized\n');
      await page.locator('#field-yaml').blur();
      await page.locator('#yaml-error', { hasText: 'line' }).waitFor();
      await shot('presets-yaml-error');
      await page.fill('#field-yaml', 'goal: fast_ganon\nmode: open\nweapons: randomized\n');
      await page.locator('#field-yaml').blur();
      await page.locator('#yaml-ok', { hasText: 'Valid standard preset' }).waitFor();
      await page.click('#preset-form button[type=submit]');
      await page.waitForURL(/\/presets\/p\/\d+$/);
      await page.locator('#preset-yaml', { hasText: 'fast_ganon' }).waitFor();
      await page.locator('#preset-settings', { hasText: 'weapons' }).waitFor();
      await shot('presets-view');

      // Found by searching its name; not by something else.
      await page.goto(url(`/org/${orgA}/presets`), { waitUntil: 'networkidle' });
      await page.fill('#field-q', 'fast');
      await page.click('#preset-search button[type=submit]');
      await page.locator('#preset-list', { hasText: 'Open Fast Ganon' }).waitFor();
      await page.fill('#field-q', 'metroid');
      await page.click('#preset-search button[type=submit]');
      await page.getByText('No presets found').first().waitFor();

      // Usable at phone width.
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(url(`/org/${orgA}/presets`), { waitUntil: 'networkidle' });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= 360, `the presets page scrolls sideways at 360 px (${wide} px wide)`);
      await shot('presets-mobile');
      await page.setViewportSize({ width: 1280, height: 800 });

      // The other organization switches Presets off: its pages 404, org A is unaffected.
      const off = await api(page, '/api/core/set_plugin_enabled', { org_id: orgB, plugin_id: 'presets', enabled: false });
      assert(off.status === 200, JSON.stringify(off));
      const res = await page.goto(url(`/org/${orgB}/presets`), { waitUntil: 'networkidle' });
      assert(res.status() === 404, `expected 404, got ${res.status()}`);
      await page.getByText('This organization has not enabled Presets').first().waitFor();
      const list = await api(page, '/api/p/presets/list_presets', { org_id: orgB });
      assert(list.status === 404 && list.body.kind === 'NotEnabled', JSON.stringify(list));
      const stillA = await page.goto(url(`/org/${orgA}/presets`), { waitUntil: 'networkidle' });
      assert(stillA.status() === 200, `org A keeps Presets, got ${stillA.status()}`);
    },
  },
];
