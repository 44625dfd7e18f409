// The profile's time zone and RaceTime card: a chosen zone renders a known instant in it (the
// server's HTML and the hydrated page agree), and without a RaceTime application the card says
// linking is not configured.
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

/// `2026-03-08 13:00 UTC+05:30` for an ISO instant shown at a fixed offset in minutes.
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
    name: 'choose a time zone on the profile and see times in it; RaceTime not configured',
    async run({ page, url, shot, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');
      await fetch(`${fakeDiscord}/fake/next-user`, { method: 'POST', body: JSON.stringify({ id: '1077', username: 'zoe', global_name: 'Zoe Zones' }) });
      await page.goto(url('/login'), { waitUntil: 'networkidle' });
      await page.click('#sign-in-discord');
      await page.waitForURL(url('/'));

      await page.goto(url('/profile'), { waitUntil: 'networkidle' });
      await page.locator('#racetime-not-configured', { hasText: 'not configured on this site' }).waitFor();
      const since = page.locator('#profile-member-since');
      await since.waitFor();
      const iso = await since.getAttribute('datetime');
      assert(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(iso), `datetime attribute: ${iso}`);
      assert((await since.getAttribute('title')).endsWith(' UTC'), 'the title shows UTC');

      // Asia/Kolkata: +05:30 all year.
      await page.selectOption('#field-time_zone', 'Asia/Kolkata');
      await page.click('button:has-text("Save profile")');
      await page.locator('.success-notice', { hasText: 'Profile saved' }).waitFor();
      const expected = atOffset(iso, 330);
      await page.locator('#profile-member-since', { hasText: expected }).waitFor();

      // A fresh load: the server renders it in the zone, and hydration keeps it.
      const html = await (await page.request.get(url('/profile'))).text();
      assert(html.includes(expected), `server-rendered ${expected}`);
      await page.goto(url('/profile'), { waitUntil: 'networkidle' });
      await page.locator('#profile-member-since', { hasText: expected }).waitFor();
      assert(await page.inputValue('#field-time_zone') === 'Asia/Kolkata', 'the select shows the saved zone');
      await shot('profile-time-zone');

      // Back to the browser's zone.
      await page.selectOption('#field-time_zone', '');
      await page.click('button:has-text("Save profile")');
      await page.locator('.success-notice', { hasText: 'Profile saved' }).waitFor();
      const browserOffset = await page.evaluate((t) => -new Date(t).getTimezoneOffset(), iso);
      await page.locator('#profile-member-since', { hasText: atOffset(iso, browserOffset) }).waitFor();
    },
  },
];
