// Pages that load on demand (sdk::ui::lazy): the first visit to the home page downloads only the
// main wasm module; every other page, opened directly, fetches its own module and hydrates; a
// client-side navigation into such a page fetches it then and the page answers clicks.
import { assert, api, signInAs } from '../helpers.mjs';

async function made(page, path, body) {
  const res = await api(page, path, body);
  assert(res.status === 200, `${path}: ${JSON.stringify(res)}`);
  return res.body;
}

// The lazily loaded wasm modules the page asks for from now on.
function watchModules(page) {
  const seen = [];
  page.on('request', (r) => {
    const name = new URL(r.url()).pathname.split('/').pop();
    if (/^(split|chunk)_.*\.wasm$/.test(name)) seen.push(name);
  });
  return seen;
}

async function hydrated(page) {
  await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30000 });
}

export const tests = [
  {
    name: 'the home page downloads only the main module',
    async run({ page, url }) {
      const modules = watchModules(page);
      let mainWasm = 0;
      page.on('request', (r) => { if (/\/sahabot\.wasm$/.test(new URL(r.url()).pathname)) mainWasm++; });
      await page.goto(url('/'), { waitUntil: 'networkidle' });
      await hydrated(page);
      assert(mainWasm === 1, `the main module was requested ${mainWasm} times`);
      assert(modules.length === 0, `the home page fetched page modules: ${modules.join(', ')}`);
    },
  },
  {
    name: 'every page hydrates, fetching its own module',
    // The few pages that answer 404 or 403 by design do not occur here; nothing is allowed.
    async run({ page, openPage, url, fakeDiscord }) {
      // A second player, signed in once so that they exist.
      const other = await openPage();
      await signInAs(other, url, fakeDiscord, { id: '1201', username: 'lou', global_name: 'Lazy Lou' });
      const lou = await made(other, '/api/core/whoami', {});
      await signInAs(page, url, fakeDiscord, { id: '1001', username: 'ada', global_name: 'Ada Admin' });

      const me = await made(page, '/api/core/whoami', {});
      // (The Discord bot plugin is global: always on.)
      const org = (await made(page, '/api/core/create_organization', { name: 'Lazy League' })).id;
      for (const plugin_id of ['notes', 'presets', 'async_qualifier', 'tournament']) {
        await made(page, '/api/core/set_plugin_enabled', { org_id: org, plugin_id, enabled: true });
      }
      await made(page, '/api/core/add_member', { org_id: org, user_id: lou.id });
      const invite = await made(page, '/api/core/create_invite', { org_id: org, slug: 'lazy-pages' });
      const tournament = await made(page, '/api/p/tournament/create_tournament', { org_id: org, name: 'Lazy Cup' });
      const match = await made(page, '/api/p/tournament/create_match', { org_id: org, tournament_id: tournament.id, title: 'Round 1', player_ids: [me.id, lou.id] });
      const qualifier = await made(page, '/api/p/async_qualifier/create_qualifier', { org_id: org, name: 'Lazy Qualifier', runs_per_pool: 1, max_reattempts: 0, is_active: true });
      const pool = await made(page, '/api/p/async_qualifier/create_pool', { org_id: org, qualifier_id: qualifier.id, name: 'Pool A' });
      const permalink = await made(page, '/api/p/async_qualifier/create_permalink', { org_id: org, pool_id: pool.id, url: 'https://seeds.example/abc' });
      const run = await made(page, '/api/p/async_qualifier/start_run', { org_id: org, qualifier_id: qualifier.id, pool_id: pool.id });
      const preset = await made(page, '/api/p/presets/create_preset', { org_id: org, randomizer: 'alttpr', name: 'lazy-preset', yaml: 'settings:\n  goal: ganon\n' });

      const o = `/org/${org}`;
      const q = `${o}/async/q/${qualifier.id}`;
      // [path, loads on demand]
      const pages = [
        ['/', false], [o, false],
        ['/profile', true], ['/profile/api-keys', true], ['/orgs', true], [`/invite/${invite.slug}`, true],
        [`${o}/members`, true], [`${o}/roles`, true], [`${o}/invites`, true], [`${o}/audit`, true],
        [`${o}/settings`, true], [`${o}/plugins`, true], [`${o}/tasks`, true], [`${o}/plugins/notes`, true],
        ['/admin', true], ['/admin/orgs', true], ['/admin/requests', true], ['/admin/audit', true],
        ['/admin/settings', true], ['/admin/plugins', true], ['/admin/tasks', true], ['/admin/events', true],
        ['/admin/bot', true],
        [`${o}/notes`, true], [`${o}/discord`, true],
        [`${o}/presets`, true], [`${o}/presets/new`, true], [`${o}/presets/namespaces`, true],
        [`${o}/presets/p/${preset.summary.id}`, true], [`${o}/presets/p/${preset.summary.id}/edit`, true],
        [`${o}/tournaments`, true], [`${o}/tournaments/mine`, true], [`${o}/tournaments/all`, true],
        [`${o}/tournaments/new`, true], [`${o}/tournaments/streams`, true],
        [`${o}/tournaments/t/${tournament.id}`, true], [`${o}/tournaments/match/${match.id}`, true],
        [`${o}/async`, true], [`${o}/async/new`, true], [q, true], [`${q}/leaderboard`, true],
        [`${q}/pools`, true], [`${q}/review`, true], [`${q}/admin`, true], [`${q}/audit`, true],
        [`${q}/player/${me.id}`, true], [`${q}/permalink/${permalink.id}`, true],
        [`${o}/async/race/${run.race_id}`, true],
      ];
      for (const [path, lazy] of pages) {
        // A fresh page each time: the modules a page needs are fetched by that load, not cached
        // from the one before (the browser's HTTP cache still serves them).
        const modules = watchModules(page);
        const res = await page.goto(url(path), { waitUntil: 'networkidle' });
        assert(res.status() === 200, `${path}: status ${res.status()}`);
        await hydrated(page);
        if (lazy) assert(modules.length > 0, `${path} hydrated without fetching a page module`);
        else assert(modules.length === 0, `${path} fetched page modules: ${modules.join(', ')}`);
        page.removeAllListeners('request');
      }
    },
  },
  {
    name: 'a client-side navigation loads the page module and the page answers clicks',
    async run({ page, url, fakeDiscord }) {
      await signInAs(page, url, fakeDiscord, { id: '1001', username: 'ada', global_name: 'Ada Admin' });
      const org = (await made(page, '/api/core/create_organization', { name: 'Navigation League' })).id;
      await made(page, '/api/core/set_plugin_enabled', { org_id: org, plugin_id: 'notes', enabled: true });

      // The overview is in the main module; the Notes page is not, until the tab is clicked.
      await page.goto(url(`/org/${org}`), { waitUntil: 'networkidle' });
      await hydrated(page);
      const modules = watchModules(page);
      await page.click('a:text-is("Notes")');
      await page.waitForURL(url(`/org/${org}/notes`));
      await page.locator('#field-text').waitFor();
      assert(modules.length > 0, 'the Notes page came without fetching its module');
      await page.fill('#field-text', 'Loaded on demand');
      await page.click('#notes-add button[type=submit]');
      await page.locator('#notes-entries', { hasText: 'Loaded on demand' }).waitFor();
    },
  },
];
