// Rolling a seed from a preset on the ALTTPR page against a fake alttpr.com: the progress state,
// the result card with the file-select code, the seed history; a plain member sees neither the
// spoiler log nor a way to release it, the organization's admin does.
import { assert, api, signInAs } from '../helpers.mjs';

export const tests = [
  {
    name: 'roll from a preset, see the code; the spoiler only for those allowed',
    // A plain member's request for a spoiler is refused on purpose.
    allow: [/status of 403/],
    async run({ page, openPage, url, shot, fakeDiscord }) {
      const fakeAlttpr = process.env.FAKE_ALTTPR_URL;
      assert(fakeDiscord && fakeAlttpr, 'FAKE_DISCORD_URL / FAKE_ALTTPR_URL are not set (run through scripts/e2e.sh)');
      await signInAs(page, url, fakeDiscord, { id: '1001', username: 'ada', global_name: 'Ada Admin' });
      // The site's administrator points ALTTPR at the fake (a site-only setting).
      const site = await api(page, '/api/core/admin_set_install_config', { plugin_id: 'alttpr', config: { base_url: fakeAlttpr } });
      assert(site.status === 200, JSON.stringify(site));
      const org = await api(page, '/api/core/create_organization', { name: 'Seed League' });
      assert(org.status === 200, JSON.stringify(org));
      const orgId = org.body.id;
      const on = await api(page, '/api/core/set_plugin_enabled', { org_id: orgId, plugin_id: 'alttpr', enabled: true });
      assert(on.status === 200, JSON.stringify(on));
      const ns = await api(page, '/api/p/presets/create_namespace', { org_id: orgId, slug: 'seed-league', display_name: 'Seed League', for_organization: true, is_public: false });
      assert(ns.status === 200, JSON.stringify(ns));
      const preset = await api(page, '/api/p/presets/create_preset', { org_id: orgId, namespace: 'seed-league', randomizer: 'alttpr', name: 'open', yaml: 'goal: fast_ganon\nmode: open\n' });
      assert(preset.status === 200, JSON.stringify(preset));

      // The admin rolls with a spoiler log on the ALTTPR page.
      await page.goto(url(`/org/${orgId}/alttpr`), { waitUntil: 'networkidle' });
      await page.fill('#field-namespace', 'seed-league');
      await page.fill('#field-preset', 'open');
      await page.check('#field-spoiler');
      await page.click('#roll-button');
      await page.locator('#seed-card #seed-code', { hasText: 'Empty Bottle' }).waitFor();
      const link = await page.locator('#seed-url').textContent();
      assert(link.startsWith(`${fakeAlttpr}/h/`), `the seed link is ${link}`);
      await page.locator('#seed-spoiler-log').waitFor();
      await page.locator('#seed-release').waitFor();
      await page.click('#seed-spoiler-log');
      await page.locator('#seed-spoiler-text', { hasText: "Link's House" }).waitFor();
      await shot('seed-rolled');

      // A plain member rolls too, and sees no spoiler of either seed.
      const bob = await openPage();
      const bobId = await signInAs(bob, url, fakeDiscord, { id: '1201', username: 'bob', global_name: 'Bob Runner' });
      const added = await api(page, '/api/core/add_member', { org_id: orgId, user_id: bobId });
      assert(added.status === 200, JSON.stringify(added));
      await bob.goto(url(`/org/${orgId}/presets/seeds`), { waitUntil: 'networkidle' });
      await bob.fill('#field-namespace', 'seed-league');
      await bob.fill('#field-preset', 'open');
      await bob.selectOption('#field-randomizer', 'alttpr');
      await bob.check('#field-spoiler');
      await bob.click('#roll-button');
      await bob.locator('#seed-card #seed-code', { hasText: 'Bombos' }).waitFor();
      assert(await bob.locator('#seed-spoiler-log').count() === 0, 'a plain member is offered the spoiler log');
      assert(await bob.locator('#seed-release').count() === 0, 'a plain member may release the spoiler');
      await bob.locator('#seed-card', { hasText: 'shown once the organization releases it' }).waitFor();
      // The history lists both seeds, the spoilers hidden.
      await bob.locator('#seed-list tbody tr').nth(1).waitFor();
      const hidden = await bob.locator('#seed-list tbody tr', { hasText: 'Hidden' }).count();
      assert(hidden === 2, `the history shows ${hidden} hidden spoilers, not 2`);
      const seeds = await api(bob, '/api/p/presets/list_seeds', { org_id: orgId });
      assert(seeds.status === 200 && seeds.body.items.length === 2, JSON.stringify(seeds));
      const adas = seeds.body.items[1];
      assert(adas.rolled_by === 'ada' && adas.spoiler_url === null && adas.can_release === false, JSON.stringify(adas));
      const log = await api(bob, '/api/p/presets/get_spoiler', { org_id: orgId, seed_id: adas.id });
      assert(log.status === 403, `a plain member read a spoiler: ${JSON.stringify(log)}`);
      await shot('seed-history-member');
    },
  },
];
