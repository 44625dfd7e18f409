// A fake speedgaming.org for browser tests: node end2end/fake-speedgaming.mjs
// Prints "fake speedgaming at http://127.0.0.1:PORT". It answers the schedule API the
// SpeedGaming plugin reads (docs/upstreams/speedgaming.md):
//   GET /api/schedule/?event=<slug>&from=<RFC 3339>&to=<RFC 3339> → the event's episodes whose
//   `when` lies in the window, as a JSON array.
// The Rust test kit's fake (plugins/testkit/src/fake_speedgaming/) is the one the Rust tests use;
// this one is just enough for the sync page.
//
// Test control (plain HTTP): POST /_control/episodes?event=<slug> with a JSON array of episodes
// (in SpeedGaming's shape) replaces the event's episodes; POST /_control/fail?status=<code>
// makes the next schedule request answer that status; GET /_control/requests lists requests.
import http from 'node:http';

const events = new Map();
const requests = [];
let failNext = null;

const json = (res, status, value) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

const readBody = req => new Promise(resolve => {
  let body = '';
  req.on('data', chunk => { body += chunk; });
  req.on('end', () => resolve(body));
});

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname.startsWith('/_control/')) {
    if (req.method === 'POST' && url.pathname === '/_control/episodes') {
      const slug = url.searchParams.get('event') || '';
      let episodes;
      try { episodes = JSON.parse(await readBody(req)); } catch { return json(res, 400, { error: 'not JSON' }); }
      if (!Array.isArray(episodes)) return json(res, 400, { error: 'send an array' });
      events.set(slug, episodes);
      return json(res, 200, { event: slug, episodes: episodes.length });
    }
    if (req.method === 'POST' && url.pathname === '/_control/fail') {
      failNext = Number(url.searchParams.get('status') || 500);
      return json(res, 200, { fail_next: failNext });
    }
    if (url.pathname === '/_control/requests') return json(res, 200, requests);
    return json(res, 404, { error: 'unknown control' });
  }
  requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
  if (url.pathname.replace(/\/$/, '') !== '/api/schedule') return json(res, 404, { error: 'Not found' });
  if (failNext !== null) {
    const status = failNext;
    failNext = null;
    res.writeHead(status, { 'content-type': 'text/html' });
    return res.end('<html>The schedule is down for maintenance</html>');
  }
  const slug = url.searchParams.get('event');
  if (!slug) return json(res, 400, { error: 'event is required' });
  const bound = name => {
    const text = url.searchParams.get(name);
    return text ? Date.parse(text) : null;
  };
  const from = bound('from');
  const to = bound('to');
  if (Number.isNaN(from) || Number.isNaN(to)) return json(res, 400, { error: 'from/to is not a date' });
  const listed = (events.get(slug) || [])
    .filter(e => (from === null || Date.parse(e.when) >= from) && (to === null || Date.parse(e.when) <= to))
    .sort((a, b) => Date.parse(a.when) - Date.parse(b.when));
  json(res, 200, listed);
});

server.listen(0, '127.0.0.1', () => {
  console.log(`fake speedgaming at http://127.0.0.1:${server.address().port}`);
});
