// What several browser tests need: a check that fails the test, an API call from inside the page
// (with the page's session cookie), and signing in through the fake Discord.
export const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

// POSTs `body` as JSON to `path` from the page; { status, body } with the JSON answer (or null).
export async function api(page, path, body) {
  return page.evaluate(async ([path, body]) => {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }, [path, body]);
}

// Signs `page` in as the fake Discord's next `user`; the user's id on our site.
export async function signInAs(page, url, fakeDiscord, user) {
  await fetch(`${fakeDiscord}/fake/next-user`, { method: 'POST', body: JSON.stringify(user) });
  await page.goto(url('/login'), { waitUntil: 'networkidle' });
  await page.click('#sign-in-discord');
  await page.waitForURL(url('/'));
  const me = await api(page, '/api/core/whoami', {});
  assert(me.status === 200 && me.body, JSON.stringify(me));
  return me.body.id;
}
