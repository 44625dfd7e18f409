// The browser side of the site's defences: every page is served with a Content-Security-Policy
// and still hydrates and works under it (no policy violations), and a form on another site that
// posts to ours with the visitor's session cookie is refused.
import { assert, signInAs } from '../helpers.mjs';

// Records CSP violations in the page from the start.
async function watchViolations(page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

export const tests = [
  {
    name: 'pages hydrate and work under the Content-Security-Policy',
    // Signed out, the organizations page's own data call is refused with 401 on purpose.
    allow: [/status of 401/],
    async run({ page, url }) {
      await watchViolations(page);
      const res = await page.goto(url('/'), { waitUntil: 'networkidle' });
      const csp = res.headers()['content-security-policy'] || '';
      assert(csp.includes("frame-ancestors 'none'") && csp.includes("script-src 'self'"), `CSP header: "${csp}"`);
      assert(res.headers()['x-frame-options'] === 'DENY', 'X-Frame-Options');
      assert(res.headers()['x-content-type-options'] === 'nosniff', 'X-Content-Type-Options');
      // Hydrated: the Refresh button calls a server function and the page updates.
      await page.click('#refresh-status');
      await page.waitForFunction(() => document.querySelector('#refresh-count')?.textContent.includes('refreshed once'), null, { timeout: 15000 });
      // A client-side navigation loads the next page's data through server functions.
      await page.click('header >> text=Organizations');
      await page.waitForURL(url('/orgs'));
      await page.waitForLoadState('networkidle');
      const violations = await page.evaluate(() => window.__violations);
      assert(violations.length === 0, `CSP violations: ${violations.join('; ')}`);
    },
  },
  {
    name: 'a form on another site cannot post with the session cookie',
    // The refusal is a 403 the browser logs; the stand-in other site has no favicon (404).
    allow: [/status of 403/, /status of 404/],
    async run({ page, url, fakeDiscord }) {
      assert(fakeDiscord, 'FAKE_DISCORD_URL is not set (run through scripts/e2e.sh)');
      await signInAs(page, url, fakeDiscord, { id: '3001', username: 'cleo', global_name: 'Cleo' });
      await page.locator('#user-menu', { hasText: 'Cleo' }).waitFor();
      // Another origin (the fake Discord's port) submits a form to our sign-out.
      await page.goto(`${fakeDiscord}/fake/other-site`);
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.evaluate(target => {
          const form = document.createElement('form');
          form.method = 'POST';
          form.action = target;
          document.body.appendChild(form);
          form.submit();
        }, url('/auth/logout')),
      ]);
      assert(response && response.status() === 403, `cross-site post answered ${response && response.status()}`);
      assert((await page.content()).includes('came from another site'), 'the refusal says why');
      // Still signed in; our own sign-out button works.
      await page.goto(url('/'), { waitUntil: 'networkidle' });
      await page.locator('#user-menu', { hasText: 'Cleo' }).waitFor();
      await page.click('#user-menu');
      await page.click('text=Sign out');
      await page.locator('header a', { hasText: 'Sign in' }).waitFor();
    },
  },
];
