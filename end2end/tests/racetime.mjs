// A match's race room on racetime.gg (the fake in end2end/fake-racetime.mjs): the site admin
// registers a category bot and grants it, the manager sets the tournament's rooms, opens the
// match's room from its panel, and watches the panel follow the race as the fake's entrants
// join, ready up and finish — without reloading. The match page links to the panel.
import { assert, api, signInAs } from '../helpers.mjs';

const control = async (fake, path) => {
  const res = await fetch(`${fake}/_control/${path}`, { method: 'POST' });
  assert(res.ok, `fake racetime ${path}: ${res.status} ${await res.text()}`);
};

export const tests = [
  {
    name: 'the room panel follows the race',
    async run({ page, openPage, url, shot, fakeDiscord }) {
      const fake = process.env.FAKE_RACETIME_URL;
      assert(fakeDiscord && fake, 'FAKE_DISCORD_URL / FAKE_RACETIME_URL are not set (run through scripts/e2e.sh)');
      const adaId = await signInAs(page, url, fakeDiscord, { id: '1001', username: 'ada', global_name: 'Ada Admin' });
      const org = await api(page, '/api/core/create_organization', { name: 'Race League' });
      assert(org.status === 200, JSON.stringify(org));
      const orgId = org.body.id;
      for (const plugin_id of ['presets', 'tournament', 'racetime']) {
        const on = await api(page, '/api/core/set_plugin_enabled', { org_id: orgId, plugin_id, enabled: true });
        assert(on.status === 200, `${plugin_id}: ${JSON.stringify(on)}`);
      }
      // The site admin's part: the category bot, granted to the organization.
      const bot = await api(page, '/api/p/racetime/save_bot', { bot: { category: 'alttpr', name: 'E2EBot', client_id: 'e2e-bot', client_secret: 'e2e-secret', is_active: true } });
      assert(bot.status === 200, JSON.stringify(bot));
      assert(!JSON.stringify(bot.body).includes('e2e-secret'), 'the secret came back');
      const grant = await api(page, '/api/p/racetime/grant_bot', { bot_id: bot.body.id, org_id: orgId, granted: true });
      assert(grant.status === 200, JSON.stringify(grant));
      // The bots page: "Check" asks the fake for a token; the status says so.
      await page.goto(url(`/org/${orgId}/racetime/bots`), { waitUntil: 'networkidle' });
      const row = page.locator(`#racetime-bots [data-bot="${bot.body.id}"]`);
      await row.locator('button', { hasText: 'Check' }).click();
      await row.locator('text=connected').waitFor();
      assert(!(await page.content()).includes('e2e-secret'), 'the secret is on the page');
      // The manager's part: a tournament whose rooms use the bot, and a match.
      const cup = await api(page, '/api/p/tournament/create_tournament', { org_id: orgId, name: 'Race Cup' });
      assert(cup.status === 200, JSON.stringify(cup));
      const rooms = await api(page, '/api/p/racetime/save_tournament_rooms', {
        org_id: orgId,
        settings: { tournament_id: cup.body.id, bot_id: bot.body.id, profile_id: null, goal: '', auto_open: false, open_minutes_before: 30, preset_rule: { kind: 'none' } },
      });
      assert(rooms.status === 200, JSON.stringify(rooms));
      // A second player (a match has two at least), a member of the organization.
      const bob = await openPage();
      const bobId = await signInAs(bob, url, fakeDiscord, { id: '1301', username: 'bob', global_name: 'Bob Racer' });
      const added = await api(page, '/api/core/add_member', { org_id: orgId, user_id: bobId });
      assert(added.status === 200, JSON.stringify(added));
      const at = new Date(Date.now() + 20 * 60000).toISOString();
      const game = await api(page, '/api/p/tournament/create_match', { org_id: orgId, tournament_id: cup.body.id, title: 'Final', scheduled_at: at, player_ids: [adaId, bobId] });
      assert(game.status === 200, JSON.stringify(game));
      const matchId = game.body.id;

      // The panel: no room yet; "Open room now".
      await page.goto(url(`/org/${orgId}/racetime/match/${matchId}`), { waitUntil: 'networkidle' });
      await page.locator('#racetime-match-room', { hasText: 'No race room for this match yet' }).waitFor();
      await page.click('#racetime-open-match');
      const panel = page.locator('#racetime-match-room [data-room]');
      await page.locator('#racetime-match-room [data-race-status="invitational"]').waitFor();
      const slug = (await panel.locator('a').first().textContent()).trim();
      assert(slug.startsWith('e2e-room-'), `the room link says ${slug}`);
      await shot('racetime-room-open');

      // The race on the fake; the panel follows by itself.
      await control(fake, `${slug}/join?user=rtAlice&name=Alice`);
      await control(fake, `${slug}/join?user=rtBob&name=Bob`);
      await page.locator('#racetime-match-room [data-entrant="rtBob"] [data-entrant-status="not_ready"]').waitFor();
      await control(fake, `${slug}/ready?user=rtAlice`);
      await control(fake, `${slug}/ready?user=rtBob`);
      await page.locator('#racetime-match-room [data-race-status="in_progress"]').waitFor();
      await control(fake, `${slug}/finish?user=rtBob`);
      await control(fake, `${slug}/finish?user=rtAlice`);
      await page.locator('#racetime-match-room [data-race-status="finished"]').waitFor();
      await page.locator('#racetime-match-room [data-entrant="rtBob"]', { hasText: '1:00:00' }).waitFor();
      await shot('racetime-room-finished');

      // The match page links to the panel while the room holds the match.
      await page.goto(url(`/org/${orgId}/tournaments/match/${matchId}`), { waitUntil: 'networkidle' });
      const link = page.locator(`a[href="/org/${orgId}/racetime/match/${matchId}"]`);
      await link.waitFor();
    },
  },
];
