import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request, start, type Started } from './helpers.js';

let s: Started | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await s?.stop();
  s = undefined;
});

/** A raw socket: resolves with what the server sent and when it closed (ms after connecting). */
function connect(url: string, send?: string): { socket: net.Socket; closed: Promise<{ ms: number; data: string }> } {
  const { port } = new URL(url);
  const t0 = Date.now();
  const socket = net.connect(Number(port), '127.0.0.1', () => send && socket.write(send));
  sockets.push(socket);
  let data = '';
  socket.on('data', (chunk) => (data += chunk.toString()));
  socket.on('error', () => {});
  const closed = new Promise<{ ms: number; data: string }>((resolve) => socket.on('close', () => resolve({ ms: Date.now() - t0, data })));
  return { socket, closed };
}

describe('serve socket limits', () => {
  it('closes idle sockets and slow headers after headersTimeoutMs with a 408', async () => {
    s = await start({ server: { limits: { headersTimeoutMs: 300 } } });
    const idle = connect(s.url);
    const slow = connect(s.url, 'POST /webhook HTTP/1.1\r\nHost: x\r\n');
    for (const { closed } of [idle, slow]) {
      const { ms, data } = await closed;
      expect(data).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeLessThan(2_000);
    }
  });

  it('past maxConnections, a new socket is closed at once; the others still work', async () => {
    s = await start({ server: { limits: { maxConnections: 2 } } });
    const held = [connect(s.url), connect(s.url)];
    await new Promise((r) => setTimeout(r, 100));
    const extra = connect(s.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const { ms, data } = await extra.closed;
    expect(data).toBe('');
    expect(ms).toBeLessThan(1_000);
    for (const h of held) h.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await request(s.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });
});
