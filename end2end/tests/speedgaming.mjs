// A tournament's SpeedGaming sync page (the fake in end2end/fake-speedgaming.mjs): the site admin
// points the plugin at the fake, the manager links a tournament to an event on the page, syncs
// now and sees what changed; the imported match's schedule fields are read-only on its page with
// the reason; an upstream failure shows as a failed run with its reason; the sync is switched
// off from the page.
import { assert, api, signInAs } from '../helpers.mjs';

export const tests = [
  {
    name: 'the sync page links, syncs and reports',
    // A hand edit of a synced field is refused with 422 on purpose.
    allow: [/status of 422/],
    async run({ page, url, shot, fakeDiscord }) {
      const fake = process.env.FAKE_SPEEDGAMING_URL;
      assert(fakeDiscord && fake, 'FAKE_DISCORD_URL / FAKE_SPEEDGAMING_URL are not set (run through scripts/e2e.sh)');
      await signInAs(page, url, fakeDiscord, { id: '1001', username: 'ada', global_name: 'Ada Admin' });
      const org = await api(page, '/api/core/create_organization', { name: 'SG League' });
      assert(org.status === 200, JSON.stringify(org));
      const orgId = org.body.id;
      for (const plugin_id of ['tournament', 'speedgaming']) {
        const on = await api(page, '/api/core/set_plugin_enabled', { org_id: orgId, plugin_id, enabled: true, with_dependencies: true });
        assert(on.status === 200, `${plugin_id}: ${JSON.stringify(on)}`);
      }
      // The site admin's part: where SpeedGaming is.
      const site = await api(page, '/api/core/admin_set_install_config', { plugin_id: 'speedgaming', config: { base_url: fake } });
      assert(site.status === 200, JSON.stringify(site));
      const cup = await api(page, '/api/p/tournament/create_tournament', { org_id: orgId, name: 'SG Cup' });
      assert(cup.status === 200, JSON.stringify(cup));
      const cupId = cup.body.id;

      // The event's schedule on the fake: one episode with Ada (by Discord id) and someone
      // nobody here knows (a placeholder), on a channel, with an approved commentator.
      const when = new Date(Date.now() + 60 * 60000).toISOString().replace('Z', '+00:00');
      const episodes = [{
        id: 501, title: 'E2E Final', when, length: 120, approved: true,
        event: { id: 1, name: 'E2E Cup', slug: 'e2ecup', game: 'ALttPR', active: true },
        match1: { id: 5010, title: 'Ada vs Zed', players: [
          { id: 1, displayName: 'Ada', discordId: '1001', discordTag: 'ada', publicStream: '', streamingFrom: '' },
          { id: 2, displayName: 'Zed', discordId: '', discordTag: '', publicStream: '', streamingFrom: '' },
        ] },
        match2: null,
        channels: [{ id: 6, name: 'SpeedGaming', slug: 'speedgaming', language: 'en' }],
        commentators: [{ id: 3, displayName: 'Cal', discordId: '', discordTag: '', approved: true, ready: true, language: 'en' }],
        trackers: [], broadcasters: [],
      }];
      const put = await fetch(`${fake}/_control/episodes?event=e2ecup`, { method: 'POST', body: JSON.stringify(episodes) });
      assert(put.ok, `fake speedgaming: ${put.status}`);

      // Link the tournament on the page.
      await page.goto(url(`/org/${orgId}/speedgaming`), { waitUntil: 'networkidle' });
      await page.selectOption('#speedgaming-link select[name="tournament_id"]', String(cupId));
      await page.fill('#speedgaming-link input[name="event_slug"]', 'e2ecup');
      await page.click('#speedgaming-link button[type="submit"]');
      const row = page.locator(`#speedgaming-links tr[data-tournament="${cupId}"]`);
      await row.waitFor();
      await row.locator('td[data-sync="on"]').waitFor();
      await row.locator('text=Not run yet').waitFor();

      // Sync now: the run's status and what it changed.
      await page.click(`#speedgaming-sync-${cupId}`);
      await row.locator('[data-status="ok"]').waitFor();
      await row.locator('.speedgaming-change', { hasText: 'Created match' }).waitFor();
      await row.locator('.speedgaming-counts', { hasText: '1 created' }).waitFor();
      await shot('speedgaming-synced');

      // The imported match: its schedule fields are read-only, saying why.
      const list = await api(page, '/api/p/tournament/list_matches', { org_id: orgId, tournament_id: cupId });
      assert(list.status === 200 && list.body.items.length === 1, JSON.stringify(list));
      const match = list.body.items[0];
      assert(match.title === 'E2E Final', `the match is called ${match.title}`);
      assert(match.players.length === 2, JSON.stringify(match.players));
      await page.goto(url(`/org/${orgId}/tournaments/match/${match.id}`), { waitUntil: 'networkidle' });
      await page.locator('#match-lock-note', { hasText: 'SpeedGaming' }).waitFor();
      const locked = await page.locator('#match-synced-fields').evaluate(el => el.disabled);
      assert(locked, 'the synced fields can be edited');
      const titleLocked = await page.locator('#edit-match-form input[name="title"]').evaluate(el => el.matches(':disabled'));
      assert(titleLocked, 'the title can be edited');
      // The service refuses the edit too.
      const edit = await api(page, '/api/p/tournament/update_match', {
        org_id: orgId, match_id: match.id, title: 'Renamed', scheduled_at: match.scheduled_at,
        player_ids: match.players.map(p => p.user_id), stream_channel_id: match.stream_channel?.id ?? null, comment: '',
      });
      assert(edit.status === 422 && JSON.stringify(edit.body).includes('SpeedGaming'), JSON.stringify(edit));

      // SpeedGaming is down: the run fails with the reason, the match stays.
      await fetch(`${fake}/_control/fail?status=503`, { method: 'POST' });
      await page.goto(url(`/org/${orgId}/speedgaming`), { waitUntil: 'networkidle' });
      await page.click(`#speedgaming-sync-${cupId}`);
      await row.locator('[data-status="failed"]').waitFor();
      await row.locator('.speedgaming-error', { hasText: '503' }).waitFor();
      await shot('speedgaming-failed');
      const after = await api(page, '/api/p/tournament/list_matches', { org_id: orgId, tournament_id: cupId });
      assert(after.body.items.length === 1, 'a failed run deleted a match');

      // Switch the sync off from the page: "Sync now" goes, the match is editable again.
      await page.click(`#speedgaming-toggle-${cupId}`);
      await row.locator('td[data-sync="off"]').waitFor();
      assert(await page.locator(`#speedgaming-sync-${cupId}`).count() === 0, 'Sync now is still offered');
      await page.goto(url(`/org/${orgId}/tournaments/match/${match.id}`), { waitUntil: 'networkidle' });
      await page.locator('#edit-match-form').waitFor();
      assert(await page.locator('#match-lock-note').count() === 0, 'the lock note is still shown');
    },
  },
];
