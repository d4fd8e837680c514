import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { listenWithAcceptors } from './acceptors.ts';

test('every connection of a burst reaches the one HTTP server through the listening sockets', async () => {
  const http = createServer((_req, res) => res.end('ok'));
  const acceptors = await listenWithAcceptors((s) => http.emit('connection', s), '127.0.0.1', 0, 8);
  try {
    const burst = 200;
    const replies = await Promise.all(Array.from({ length: burst }, () => new Promise<string>((resolve, reject) => {
      const socket = connect(acceptors.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let data = '';
      socket.setEncoding('utf8').on('data', (d: string) => { data += d; }).on('end', () => resolve(data)).on('error', reject);
    })));
    assert.equal(replies.filter((r) => r.startsWith('HTTP/1.1 200') && r.endsWith('ok')).length, burst);
  } finally {
    acceptors.close();
    http.closeAllConnections();
  }
});

test('closing stops accepting new connections', async () => {
  const http = createServer((_req, res) => res.end('ok'));
  const acceptors = await listenWithAcceptors((s) => http.emit('connection', s), '127.0.0.1', 0, 4);
  acceptors.close();
  await new Promise((r) => setImmediate(r));
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(acceptors.port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(false); }).on('error', () => resolve(true));
  });
  assert.equal(refused, true);
});
