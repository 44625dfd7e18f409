// Identity and organizations as people use them: sign in through (fake) Discord, create an
// organization, invite a second person who accepts, give them a role.
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

async function signInAs(page, url, fakeDiscord, user, from = '/login') {
  await fetch(`${fakeDiscord}/fake/next-user`, { method: 'POST', body: JSON.stringify(user) });
  await page.goto(url(from), { waitUntil: 'networkidle' });
  await page.click('#sign-in-discord');
}

export const tests = [
  {
    name: 'sign in, create an organization, invite someone who accepts, assign a role',
    // The duplicate organization name is answered with 409 on purpose; the browser logs it.
    allow: [/status of 409/],
    async run({ page, openPage, url, shot, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');

      // Ada (a configured bootstrap superadmin) signs in with Discord.
      await signInAs(page, url, fakeDiscord, { id: '1001', username: 'ada', global_name: 'Ada Admin' });
      await page.waitForURL(url('/'));
      await page.locator('#user-menu', { hasText: 'Ada Admin' }).waitFor();

      // She creates an organization.
      await page.goto(url('/orgs'), { waitUntil: 'networkidle' });
      await page.fill('#field-name', 'E2E League');
      await page.fill('#field-description', 'Made by the browser test');
      await page.click('#create-org button[type=submit]');
      await page.locator('.success-notice', { hasText: 'Created E2E League' }).waitFor();
      const orgLink = page.locator('#my-orgs a', { hasText: 'E2E League' });
      await orgLink.waitFor();
      // A duplicate name is refused with a message on the field form.
      await page.fill('#field-name', 'e2e league');
      await page.click('#create-org button[type=submit]');
      await page.getByText('already exists').first().waitFor();
      await shot('orgs');

      await orgLink.click();
      await page.waitForURL(/\/org\/\d+$/);
      const orgPath = new URL(page.url()).pathname;
      await page.locator('#my-roles', { hasText: 'Admin' }).waitFor();

      // An invite link with one use.
      await page.goto(url(`${orgPath}/invites`), { waitUntil: 'networkidle' });
      await page.fill('#field-slug', 'e2e-join');
      await page.fill('#field-max_uses', '1');
      await page.click('#create-invite button[type=submit]');
      await page.locator('.invite-link', { hasText: '/invite/e2e-join' }).waitFor();
      await shot('invites');

      // Bea, in her own browser, follows the link, signs in, and joins.
      const bea = await openPage();
      await bea.goto(url('/invite/e2e-join'), { waitUntil: 'networkidle' });
      await bea.getByText('E2E League').first().waitFor();
      await fetch(`${fakeDiscord}/fake/next-user`, { method: 'POST', body: JSON.stringify({ id: '1002', username: 'bea', global_name: 'Bea Runner' }) });
      await bea.click('text=Sign in to join');
      await bea.click('#sign-in-discord');
      await bea.waitForURL(url('/invite/e2e-join'));
      await bea.click('#accept-invite');
      await bea.waitForURL(url(orgPath));
      await shot('joined', bea);

      // Ada gives Bea the Tournament Manager role.
      await page.goto(url(`${orgPath}/members`), { waitUntil: 'networkidle' });
      const row = page.locator('tr[data-username="bea"]');
      await row.waitFor();
      await row.locator('select').selectOption('Tournament Manager');
      await row.getByRole('button', { name: 'Assign' }).click();
      await row.locator('span', { hasText: 'Tournament Manager' }).first().waitFor();
      await shot('members');

      // Bea sees her new role; the invite is used up for anyone else.
      await bea.goto(url(orgPath), { waitUntil: 'networkidle' });
      await bea.locator('#my-roles', { hasText: 'Tournament Manager' }).waitFor();
      const carl = await openPage();
      await carl.goto(url('/invite/e2e-join'), { waitUntil: 'networkidle' });
      await carl.getByText('used as many times').first().waitFor();

      // A custom role from typed rules; a malformed rule is shown on its field.
      await page.goto(url(`${orgPath}/roles`), { waitUntil: 'networkidle' });
      await page.fill('#field-name', 'Crew Lead');
      await page.fill('#field-statements', 'ALLOW match:*\nPERMIT everything');
      await page.getByRole('button', { name: 'Create role' }).click();
      await page.locator('.field-error', { hasText: 'line 2' }).first().waitFor();
      await page.fill('#field-statements', 'ALLOW match:*\nDENY match:delete');
      await page.getByRole('button', { name: 'Create role' }).click();
      await page.locator('li', { hasText: 'Crew Lead' }).locator('text=DENY match:delete').waitFor();
      await shot('roles');

      // The audit log recorded it.
      await page.goto(url(`${orgPath}/audit`), { waitUntil: 'networkidle' });
      for (const action of ['organization.create', 'invite.create', 'invite.accept', 'role.assign']) {
        await page.locator('#audit code', { hasText: action }).first().waitFor();
      }
      await shot('audit');
    },
  },
  {
    name: 'pages for signed-in users ask anonymous visitors to sign in',
    // The page answers 401 (for crawlers and monitoring), and the browser logs it.
    allow: [/status of 401/],
    async run({ page, url }) {
      const res = await page.goto(url('/profile'), { waitUntil: 'networkidle' });
      assert(res.status() === 401, `anonymous /profile answered ${res.status()}`);
      await page.locator('#sign-in-to-continue').waitFor();
      const href = await page.locator('#sign-in-to-continue').getAttribute('href');
      assert(href === '/login?redirect=/profile', `sign-in link ${href}`);
    },
  },
];
