// The API reference: linked from every page's footer, served from the site's own files (no other
// host), and it lists the core endpoints and each plugin's under its name.
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

export const tests = [
  {
    name: 'the footer opens the API reference, which lists every group under the site policy',
    async run({ page, url, shot }) {
      await page.addInitScript(() => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(url('/'), { waitUntil: 'networkidle' });
      await page.click('#footer-api-docs');
      await page.waitForURL(url('/api/docs'));
      // RapiDoc draws inside its shadow root; Playwright's locators reach into it.
      for (const path of ['/api/core/create_invite', '/api/p/tournament/create_match', '/api/p/presets/list_presets', '/api/p/notes/add_entry']) {
        await page.getByText(path).first().waitFor({ timeout: 20000 });
      }
      const violations = await page.evaluate(() => window.__violations);
      assert(violations.length === 0, `CSP violations: ${violations.join(', ')}`);
      const external = await page.evaluate(() => performance.getEntriesByType('resource').map(r => r.name).filter(n => !n.startsWith(location.origin)));
      assert(external.length === 0, `loaded from other hosts: ${external.join(', ')}`);
      await shot('api-docs');
    },
  },
];
