// A fake alttpr.com for browser tests: node end2end/fake-alttpr.mjs
// Prints "fake alttpr at http://127.0.0.1:PORT". POST /api/randomizer and /api/customizer answer
// as the real site does (a hash, a patch holding the file-select code Bombs, Empty Bottle,
// Bombos, Boots, Compass, and a full spoiler when `spoilers` is `generate`); the Rust test kit's
// fake (plugins/testkit/src/fake_randomizers/alttpr.rs) is the one the Rust tests use.
import http from 'node:http';

let rolled = 0;
const OFFSET = 1573397;

const server = http.createServer(async (req, res) => {
  const body = await new Promise(r => { let b = ''; req.on('data', c => b += c); req.on('end', () => r(b)); });
  const json = (status, value) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
  if (req.method === 'POST' && (req.url === '/api/randomizer' || req.url === '/api/customizer')) {
    let settings;
    try { settings = JSON.parse(body); } catch { return json(400, { message: 'Bad Request' }); }
    const spoilers = settings.tournament === false ? 'on' : (settings.spoilers || 'off');
    const meta = { spoilers, tournament: settings.tournament !== false, goal: settings.goal || 'ganon', logic: 'NoGlitches' };
    const hash = `E2e${String(++rolled).padStart(7, '0')}`;
    const run = [...new Array(17).fill(0), 3, 17, 8, 22, 30, 0];
    return json(200, {
      logic: 'NoGlitches', hash, generated: new Date().toISOString(), size: 2,
      patch: [{ [String(OFFSET - 17)]: run }],
      spoiler: spoilers === 'generate' || spoilers === 'on'
        ? { meta, 'Light World': { "Link's House": 'Bow' } }
        : { meta },
    });
  }
  json(404, { message: 'Not Found' });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`fake alttpr at http://127.0.0.1:${server.address().port}`);
});
