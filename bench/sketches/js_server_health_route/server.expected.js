'use strict';

const http = require('http');
const { URL } = require('url');

const PORT = Number(process.env.PORT || 3000);
const MAX_BODY = 64 * 1024;

const notes = new Map();
let nextId = 1;
const startedAt = Date.now();

function sendJson(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(text ? JSON.parse(text) : {});
      } catch (err) {
        reject(Object.assign(new Error('invalid JSON'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

async function listNotes(req, res) {
  sendJson(res, 200, Array.from(notes.values()));
}

async function createNote(req, res) {
  const body = await readBody(req);
  if (typeof body.text !== 'string' || body.text.trim() === '') {
    sendJson(res, 400, { error: 'text is required' });
    return;
  }
  const note = { id: nextId++, text: body.text.trim(), createdAt: new Date().toISOString() };
  notes.set(note.id, note);
  sendJson(res, 201, note);
}

async function deleteNote(req, res, id) {
  if (!notes.delete(id)) {
    sendJson(res, 404, { error: `note ${id} not found` });
    return;
  }
  res.writeHead(204);
  res.end();
}

async function health(req, res) {
  sendJson(res, 200, {
    status: 'ok',
    notes: notes.size,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  });
}

const routes = [
  { method: 'GET', pattern: /^\/health$/, handler: health },
  { method: 'GET', pattern: /^\/notes$/, handler: listNotes },
  { method: 'POST', pattern: /^\/notes$/, handler: createNote },
  { method: 'DELETE', pattern: /^\/notes\/(\d+)$/, handler: deleteNote },
];

async function handle(req, res) {
  const url = new URL(req.url, `http://${req.headers.host || 'localhost'}`);
  for (const route of routes) {
    const match = route.pattern.exec(url.pathname);
    if (match && route.method === req.method) {
      const id = match[1] ? Number(match[1]) : undefined;
      await route.handler(req, res, id);
      return;
    }
  }
  sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    const status = err.status || 500;
    if (status === 500) {
      console.error(err);
    }
    sendJson(res, status, { error: err.message });
  });
});

if (require.main === module) {
  server.listen(PORT, () => {
    console.log(`listening on http://localhost:${PORT}`);
  });
}

module.exports = { server, routes, notes };
