// A fake Discord OAuth2 provider for browser tests: node end2end/fake-discord.mjs
// Prints "fake discord at http://127.0.0.1:PORT". The authorize page approves at once, as the
// user last set with POST /fake/next-user {id, username, global_name}. The client-credentials
// grant and GET /api/oauth2/@me answer for the application scripts/e2e.sh configures.
import http from 'node:http';

let nextUser = { id: '1001', username: 'ada', global_name: 'Ada Admin' };
const byCode = new Map();
let counter = 0;

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const body = await new Promise(r => { let b = ''; req.on('data', c => b += c); req.on('end', () => r(b)); });
  const json = (status, value) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
  if (req.method === 'POST' && url.pathname === '/fake/next-user') {
    nextUser = JSON.parse(body);
    return json(200, { ok: true });
  }
  if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
    const code = `code-${++counter}`;
    byCode.set(code, nextUser);
    const back = new URL(url.searchParams.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state'));
    res.writeHead(302, { location: back.toString() });
    return res.end();
  }
  if (req.method === 'POST' && url.pathname === '/api/oauth2/token') {
    const form = new URLSearchParams(body);
    // The application's own token (Site admin → Sign-in's check): only for e2e.sh's client.
    if (form.get('grant_type') === 'client_credentials') {
      if (form.get('client_id') !== 'e2e' || form.get('client_secret') !== 'e2e-secret') return json(401, { error: 'invalid_client' });
      return json(200, { access_token: 'application-e2e', token_type: 'Bearer', expires_in: 604800, scope: form.get('scope') });
    }
    const code = form.get('code') || form.get('refresh_token')?.replace('refresh-', '') || '';
    if (!byCode.has(code)) return json(400, { error: 'invalid_grant' });
    return json(200, { access_token: `access-${code}`, token_type: 'Bearer', expires_in: 604800, refresh_token: `refresh-${code}`, scope: 'identify' });
  }
  if (req.method === 'GET' && url.pathname === '/api/users/@me') {
    const code = (req.headers.authorization || '').replace('Bearer access-', '');
    const user = byCode.get(code);
    return user ? json(200, { ...user, avatar: null }) : json(401, { message: '401: Unauthorized' });
  }
  if (req.method === 'GET' && url.pathname === '/api/oauth2/@me') {
    if (req.headers.authorization !== 'Bearer application-e2e') return json(401, { message: '401: Unauthorized' });
    return json(200, { application: { id: 'e2e', name: 'SahaBot e2e app' }, scopes: ['identify'], expires: '2099-01-01T00:00:00+00:00' });
  }
  // Stands for any other site a signed-in user might visit (another origin on this machine).
  if (req.method === 'GET' && url.pathname === '/fake/other-site') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end('<!DOCTYPE html><html><head><title>Another site</title></head><body><p>Another site</p></body></html>');
  }
  json(404, { message: 'not found' });
});
server.listen(0, '127.0.0.1', () => console.log(`fake discord at http://127.0.0.1:${server.address().port}`));
