// ... existing code ...
const notes = new Map();
let nextId = 1;
const startedAt = Date.now();
// ... existing code ...
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
// ... existing code ...
