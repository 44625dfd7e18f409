// A fake racetime.gg for browser tests: node end2end/fake-racetime.mjs
// Prints "fake racetime at http://127.0.0.1:PORT". It speaks what a category bot uses (the
// client-credentials token, startrace, the category and room JSON, the bot websocket with
// race.data frames) for the category `alttpr` and the bot `e2e-bot` / `e2e-secret`, named
// "E2EBot". The Rust test kit's fake (plugins/testkit/src/fake_racetime/) is the complete one
// the Rust tests use; this one is just enough for a page to follow a race.
//
// Test control (plain HTTP): POST /_control/<slug>/join?user=ID&name=NAME, …/ready?user=ID
// (every joined entrant ready → the race starts), …/finish?user=ID (places by finishing order;
// everyone done → finished); GET /_control/rooms lists the rooms.
import http from 'node:http';
import crypto from 'node:crypto';

const CATEGORY = 'alttpr';
const BOT = 'E2EBot';
const rooms = new Map();
const sockets = new Map();
let tokens = 0;
let slugs = 0;

const status = value => ({ value, verbose_value: value, help_text: '' });
const duration = ms => {
  const s = Math.floor(ms / 1000);
  const pad = n => String(n).padStart(2, '0');
  return `P0DT${pad(Math.floor(s / 3600))}H${pad(Math.floor(s / 60) % 60)}M${pad(s % 60)}S`;
};

function roomJson(room) {
  return {
    version: room.version, name: `${CATEGORY}/${room.slug}`, slug: room.slug, status: status(room.status),
    url: `/${CATEGORY}/${room.slug}`, data_url: `/${CATEGORY}/${room.slug}/data`,
    websocket_bot_url: `/ws/o/bot/${room.slug}`,
    category: { name: 'A Link to the Past Randomizer', short_name: 'ALttPR', slug: CATEGORY },
    goal: room.goal, info: `${room.info_user}\n${room.info_bot}`.trim(), info_user: room.info_user, info_bot: room.info_bot,
    entrants: room.entrants.map(e => ({
      user: { id: e.id, name: e.name, full_name: e.name }, status: status(e.status),
      place: e.place ?? null, finish_time: e.finish_ms ? duration(e.finish_ms) : null,
    })),
    opened_at: room.opened_at, started_at: room.started_at, ended_at: room.ended_at, cancelled_at: null,
    recorded: false, opened_by_bot: BOT, streaming_required: room.form.streaming_required === 'true',
  };
}

// --- the websocket (RFC 6455, text frames only: what the bot sends and reads) ---
function frame(text) {
  const payload = Buffer.from(text);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, len])
    : len < 65536 ? Buffer.from([0x81, 126, len >> 8, len & 255])
    : Buffer.concat([Buffer.from([0x81, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
  return Buffer.concat([head, payload]);
}
function send(socket, value) {
  if (!socket.destroyed) socket.write(frame(JSON.stringify({ ...value, date: new Date().toISOString() })));
}
function broadcast(room) {
  room.version += 1;
  for (const s of sockets.get(room.slug) || []) {
    send(s, { type: 'race.data', race: roomJson(room), version: room.version });
  }
}
function readFrames(socket, onText) {
  let buffer = Buffer.alloc(0);
  socket.on('data', chunk => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const opcode = buffer[0] & 15;
      let len = buffer[1] & 127;
      let at = 2;
      if (len === 126) { if (buffer.length < 4) return; len = buffer.readUInt16BE(2); at = 4; }
      else if (len === 127) { if (buffer.length < 10) return; len = Number(buffer.readBigUInt64BE(2)); at = 10; }
      const masked = buffer[1] & 128;
      const mask = masked ? buffer.subarray(at, at + 4) : null;
      if (masked) at += 4;
      if (buffer.length < at + len) return;
      const payload = Buffer.from(buffer.subarray(at, at + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      buffer = buffer.subarray(at + len);
      if (opcode === 1) onText(payload.toString());
      else if (opcode === 8) { socket.end(); return; }
      else if (opcode === 9) socket.write(Buffer.concat([Buffer.from([0x8a, payload.length]), payload]));
    }
  });
}

function act(room, action, data) {
  if (action === 'invite' && !room.entrants.some(e => e.id === data.user)) {
    room.entrants.push({ id: data.user, name: data.user, status: 'invited' });
    broadcast(room);
  } else if (action === 'message') {
    room.messages.push(data.message);
  } else if (action === 'setinfo') {
    if (data.info_bot) room.info_bot = data.info_bot;
    if (data.info_user) room.info_user = data.info_user;
    broadcast(room);
  } else if (action === 'cancel') {
    room.status = 'cancelled';
    broadcast(room);
  }
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const body = await new Promise(r => { let b = ''; req.on('data', c => b += c); req.on('end', () => r(b)); });
  const json = (code, value) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
  const parts = url.pathname.split('/').filter(Boolean);
  if (req.method === 'POST' && url.pathname === '/o/token') {
    const form = new URLSearchParams(body);
    if (form.get('client_id') !== 'e2e-bot' || form.get('client_secret') !== 'e2e-secret') return json(401, { error: 'invalid_client' });
    return json(200, { access_token: `e2e-token-${++tokens}`, expires_in: 36000, token_type: 'Bearer', scope: 'read chat_message race_action create_race' });
  }
  if (req.method === 'GET' && parts[0] === 'o' && parts[1] === CATEGORY && parts[2] === 'data') {
    const current = [...rooms.values()].filter(r => !['finished', 'cancelled'].includes(r.status))
      .map(r => ({ name: `${CATEGORY}/${r.slug}`, status: status(r.status), info: `${r.info_user}\n${r.info_bot}`.trim(), opened_by_bot: BOT }));
    return json(200, { slug: CATEGORY, goals: ['Beat the game'], current_races: current });
  }
  if (req.method === 'POST' && parts[0] === 'o' && parts[1] === CATEGORY && parts[2] === 'startrace') {
    const form = Object.fromEntries(new URLSearchParams(body));
    if (!form.goal && !form.custom_goal) return json(422, { errors: { __all__: ['You need to set a goal for this race.'] } });
    const slug = `e2e-room-${String(++slugs).padStart(4, '0')}`;
    rooms.set(slug, {
      slug, version: 1, status: form.invitational === 'true' ? 'invitational' : 'open', form,
      goal: { name: form.goal || form.custom_goal, custom: !form.goal }, info_user: form.info_user || '', info_bot: form.info_bot || '',
      entrants: [], messages: [], opened_at: new Date().toISOString(), started_at: null, ended_at: null,
    });
    res.writeHead(201, { location: `/${CATEGORY}/${slug}` });
    return res.end();
  }
  if (req.method === 'GET' && parts[0] === CATEGORY && parts.length === 3 && parts[2] === 'data') {
    const room = rooms.get(parts[1]);
    return room ? json(200, roomJson(room)) : json(404, { detail: 'Not found.' });
  }
  if (parts[0] === '_control') {
    if (parts[1] === 'rooms') return json(200, [...rooms.values()].map(roomJson));
    const room = rooms.get(parts[1]);
    if (!room) return json(404, { error: 'no such room' });
    const user = url.searchParams.get('user');
    const entrant = room.entrants.find(e => e.id === user);
    if (parts[2] === 'join') {
      if (entrant) entrant.status = 'not_ready';
      else room.entrants.push({ id: user, name: url.searchParams.get('name') || user, status: 'not_ready' });
    } else if (parts[2] === 'ready' && entrant) {
      entrant.status = 'ready';
      const joined = room.entrants.filter(e => e.status !== 'invited');
      if (joined.length >= 2 && joined.every(e => e.status === 'ready')) {
        room.status = 'in_progress';
        room.started_at = new Date().toISOString();
        joined.forEach(e => { e.status = 'in_progress'; });
      }
    } else if (parts[2] === 'finish' && entrant) {
      const done = room.entrants.filter(e => e.status === 'done').length;
      entrant.status = 'done';
      entrant.place = done + 1;
      entrant.finish_ms = 3600000 + done * 60000;
      if (room.entrants.every(e => ['done', 'dnf', 'dq'].includes(e.status))) {
        room.status = 'finished';
        room.ended_at = new Date().toISOString();
      }
    } else {
      return json(400, { error: `cannot ${parts[2]}` });
    }
    broadcast(room);
    return json(200, roomJson(room));
  }
  json(404, { detail: 'Not found.' });
});

server.on('upgrade', (req, socket) => {
  const slug = new URL(req.url, 'http://localhost').pathname.split('/').pop();
  const room = rooms.get(slug);
  if (!room) { socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'); return; }
  const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  if (!sockets.has(slug)) sockets.set(slug, new Set());
  sockets.get(slug).add(socket);
  socket.on('close', () => sockets.get(slug).delete(socket));
  socket.on('error', () => sockets.get(slug).delete(socket));
  send(socket, { type: 'race.data', race: roomJson(room), version: room.version });
  send(socket, { type: 'race.renders', renders: {}, version: room.version });
  readFrames(socket, text => {
    let msg;
    try { msg = JSON.parse(text); } catch { return send(socket, { type: 'error', errors: ['Unable to process that message.'] }); }
    if (msg.action === 'ping') return send(socket, { type: 'pong' });
    act(room, msg.action, msg.data || {});
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`fake racetime at http://127.0.0.1:${server.address().port}`);
});
