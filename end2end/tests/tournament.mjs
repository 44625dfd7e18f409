// A small tournament as its people meet it in the browser: the manager creates a tournament and
// schedules a match between two members; a third member signs up as commentator from the
// schedule; the manager approves on the match page; a player whose profile is set to Tokyo finds
// the match under My matches at the Tokyo time, with the approved commentator; the manager then
// checks it in, starts it, records the result and confirms it.
import { assert, api, signInAs } from '../helpers.mjs';

/// `2026-12-05 20:00 UTC+09:00` for an ISO instant shown at a fixed offset in minutes.
function atOffset(iso, minutes) {
  const d = new Date(new Date(iso).getTime() + minutes * 60000);
  const p = (n) => String(n).padStart(2, '0');
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const label = minutes === 0 ? 'UTC' : `UTC${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} ${label}`;
}

export const tests = [
  {
    name: 'schedule a match, a member signs up as commentator, approval, the player sees it in their zone',
    async run({ page, openPage, url, shot, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');
      await signInAs(page, url, fakeDiscord, { id: '1001', username: 'ada', global_name: 'Ada Admin' });
      const org = await api(page, '/api/core/create_organization', { name: 'Bracket-free League' });
      assert(org.status === 200, JSON.stringify(org));
      const orgId = org.body.id;
      const base = `/org/${orgId}/tournaments`;

      // Three members, each in their own browser.
      const people = {};
      for (const [key, id, username, name] of [
        ['pia', '1101', 'pia', 'Pia Player'],
        ['pete', '1102', 'pete', 'Pete Player'],
        ['cora', '1103', 'cora', 'Cora Caster'],
      ]) {
        const browser = await openPage();
        const userId = await signInAs(browser, url, fakeDiscord, { id, username, global_name: name });
        const added = await api(page, '/api/core/add_member', { org_id: orgId, user_id: userId });
        assert(added.status === 200, JSON.stringify(added));
        people[key] = { page: browser, id: userId, name };
      }

      // Pia chose Tokyo (UTC+9, no daylight saving) on her profile.
      const pia = people.pia.page;
      await pia.goto(url('/profile'), { waitUntil: 'networkidle' });
      await pia.selectOption('#field-time_zone', 'Asia/Tokyo');
      await pia.click('button:has-text("Save profile")');
      await pia.locator('.success-notice', { hasText: 'Profile saved' }).waitFor();

      // The manager creates the tournament…
      await page.goto(url(`${base}/new`), { waitUntil: 'networkidle' });
      await page.fill('#field-name', 'Spring Cup');
      await page.fill('#field-description', 'Best of one, no bracket.');
      await page.click('#tournament-form button[type=submit]');
      await page.waitForURL(/\/tournaments\/t\/\d+$/);
      await page.getByRole('heading', { name: 'Spring Cup' }).first().waitFor();

      // …and schedules a match on the schedule page.
      await page.goto(url(base), { waitUntil: 'networkidle' });
      const form = page.locator('#schedule-form');
      await form.locator('#field-tournament_id option', { hasText: 'Spring Cup' }).waitFor({ state: 'attached' });
      await form.locator('#field-tournament_id').selectOption({ label: 'Spring Cup' });
      await form.locator('#field-title').fill('Semifinal');
      await form.locator('#field-scheduled_at').fill('2026-12-05T20:00');
      await form.locator('label', { hasText: 'Pia Player' }).locator('input').check();
      await form.locator('label', { hasText: 'Pete Player' }).locator('input').check();
      const [created] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/p/tournament/create_match')),
        form.locator('#schedule-submit').click(),
      ]);
      assert(created.status() === 200, `create_match: ${created.status()} ${await created.text()} ${created.request().postData()}`);
      await form.locator('.success-notice', { hasText: 'Match scheduled' }).waitFor();
      const row = page.locator('#upcoming li', { hasText: 'Semifinal' });
      await row.waitFor();
      const matchId = (await row.getAttribute('id')).replace('match-', '');
      const iso = await row.locator('time').getAttribute('datetime');
      assert(/^2026-12-0[456]T\d\d:00:00Z$/.test(iso), `scheduled instant ${iso}`);
      await row.getByText('Scheduled').first().waitFor();
      await shot('tournament-schedule');

      // Cora (not a player) signs up as commentator with one click; the badge says it waits.
      const cora = people.cora.page;
      await cora.goto(url(base), { waitUntil: 'networkidle' });
      await cora.click(`#signup-commentator-${matchId}`);
      await cora.locator(`#match-${matchId}`, { hasText: 'Commentator: Cora Caster (pending)' }).waitFor();
      await cora.locator(`#withdraw-commentator-${matchId}`).waitFor();
      // Players get no sign-up buttons for their own match.
      await pia.goto(url(base), { waitUntil: 'networkidle' });
      await pia.locator(`#match-${matchId}`).waitFor();
      assert(await pia.locator(`#signup-commentator-${matchId}`).count() === 0, 'a player cannot crew their own match');

      // The manager approves on the match page.
      await page.goto(url(`${base}/match/${matchId}`), { waitUntil: 'networkidle' });
      const crew = page.locator('#crew-list li', { hasText: 'Cora Caster' });
      await crew.getByText('waiting for approval').waitFor();
      await crew.getByRole('button', { name: 'Approve' }).click();
      await crew.getByText('approved').waitFor();
      await crew.getByRole('button', { name: 'Unapprove' }).waitFor();
      await shot('tournament-match');

      // Pia finds it under My matches, at the Tokyo time, with the approved commentator.
      await pia.goto(url(`${base}/mine`), { waitUntil: 'networkidle' });
      const mine = pia.locator(`#my-matches #match-${matchId}`);
      await mine.waitFor();
      const tokyo = atOffset(iso, 9 * 60);
      await mine.locator('time', { hasText: tokyo }).waitFor();
      await mine.getByText('Commentator: Cora Caster', { exact: true }).waitFor();
      // The server rendered the same Tokyo time before hydration.
      const html = await (await pia.request.get(url(`${base}/mine`))).text();
      assert(html.includes(tokyo), `server-rendered ${tokyo}`);
      // The private link is made on request and shown only then (the server keeps its hash).
      await pia.click('#new-feed');
      await pia.locator('#my-feed').waitFor();
      const feed = await pia.inputValue('#my-feed');
      assert(/\/p\/tournament\/calendar\/\d+\/[\w-]+\.ics$/.test(feed), `private feed ${feed}`);
      const ics = await (await pia.request.get(feed.replace(/^https?:\/\/[^/]+/, url('')))).text();
      assert(ics.includes('SUMMARY:Spring Cup: Semifinal'), 'the private feed holds the match');
      await shot('tournament-mine', pia);

      // The match is played: the manager checks it in, starts it, records the result (which
      // finishes it) and confirms it; the players find it under Past with the ranks.
      await page.goto(url(`${base}/match/${matchId}`), { waitUntil: 'networkidle' });
      await page.getByRole('button', { name: 'Advance to Checked in' }).click();
      await page.getByRole('button', { name: 'Advance to In progress' }).click();
      await page.getByRole('button', { name: 'Back to Checked in' }).waitFor();
      await page.fill(`#field-rank-${people.pia.id}`, '1');
      await page.fill(`#field-rank-${people.pete.id}`, '2');
      await page.click('#result-form button[type=submit]');
      await page.getByRole('button', { name: 'Advance to Recorded' }).click();
      await page.getByRole('button', { name: 'Back to Finished' }).waitFor();
      await page.locator('#match-players li', { hasText: '#1 Pia Player' }).waitFor();
      await shot('tournament-recorded');
      await pia.goto(url(`${base}/mine`), { waitUntil: 'networkidle' });
      await pia.locator(`#past #match-${matchId}`, { hasText: 'Recorded' }).waitFor();
    },
  },
];
