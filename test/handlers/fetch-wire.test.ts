import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetch, type Fetcher, type KitFetchInit } from '../../src/handlers/fetch.js';

// ctx.fetch against undici's own fetch, request by request: what the host sees (method, headers, body)
// and what the handler gets (status, url, redirected, headers, body) must be the same, whichever way
// ctx.fetch sends it. Two hosts on 127.0.0.1 (two ports: two origins) for cross-origin redirects.

interface Host {
  url: string;
  close(): Promise<void>;
}

const BODY = JSON.stringify({ ok: true, slots: ['09:30', '10:00'], note: 'ünïcödé' });

function encoded(coding: string): Buffer {
  const raw = Buffer.from(BODY);
  if (coding === 'gzip') return gzipSync(raw);
  if (coding === 'deflate') return deflateSync(raw);
  if (coding === 'deflate-raw') return deflateRawSync(raw);
  if (coding === 'br') return brotliCompressSync(raw);
  if (coding === 'deflate, gzip') return gzipSync(deflateSync(raw));
  return raw;
}

async function host(): Promise<Host> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.sendDate = false;
      const url = new URL(req.url!, 'http://x');
      const [, route, arg] = url.pathname.split('/');
      if (route === 'echo') {
        const headers = { ...req.headers };
        delete headers.host;
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ method: req.method, headers, body: Buffer.concat(chunks).toString('base64') }));
      }
      if (route === 'redirect') {
        res.writeHead(Number(arg), { location: url.searchParams.get('to')! });
        return res.end('moved');
      }
      if (route === 'chain') {
        res.writeHead(302, { location: Number(arg) > 0 ? `/chain/${Number(arg) - 1}` : '/echo' });
        return res.end();
      }
      if (route === 'half-body') {
        // The headers and half the body, then nothing until the host is closed.
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.write('{"slots":');
      }
      if (route === 'early') {
        res.writeEarlyHints({ link: '</slots.css>; rel=preload' });
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(BODY);
      }
      if (route === 'loop') {
        res.writeHead(302, { location: '/loop' });
        return res.end();
      }
      if (route === 'encoded') {
        const coding = url.searchParams.get('coding')!;
        const codingHeader = coding === 'deflate-raw' ? 'deflate' : coding;
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': codingHeader });
        return res.end(encoded(coding));
      }
      if (route === 'cookies') {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('x-many', ['one', 'two']);
        res.writeHead(201, 'Made It', { 'content-type': 'text/plain' });
        return res.end('made');
      }
      if (route === 'status') {
        res.writeHead(Number(arg), 'Custom Words');
        return res.end(Number(arg) === 204 || Number(arg) === 304 ? undefined : 'status body');
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let a: Host;
let b: Host;
let fetcher: Fetcher;
const agent = new Agent({ keepAliveTimeout: 10_000 });
beforeAll(async () => {
  [a, b] = await Promise.all([host(), host()]);
  fetcher = createFetch({ policy: { maxAttempts: 1, breaker: false } });
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), fetcher.close(), agent.close()]);
});

const kitFetch = (url: string, init?: KitFetchInit) => fetcher.forCall({ callId: 'call_w', functionName: 'f', idempotencyKey: 'fn:w', deadline: Date.now() + 5000 }).fetch(url, init);

/** What a handler can see of a response (fetch's `type` aside: a Response built in JS is "default"). */
async function seen(res: Response) {
  const headers = [...res.headers].filter(([name]) => name !== 'keep-alive');
  let body: unknown = await res.text();
  if (typeof body === 'string' && body.startsWith('{"method"')) {
    const echo = JSON.parse(body) as { method: string; headers: Record<string, string>; body: string };
    delete echo.headers['idempotency-key'];
    body = echo;
  }
  return { status: res.status, statusText: res.statusText, ok: res.ok, url: res.url, redirected: res.redirected, headers, setCookie: res.headers.getSetCookie(), bodyUsed: res.bodyUsed, body };
}

/** The same request through undici's fetch and ctx.fetch: equal as a handler sees them. */
async function same(url: string, init: KitFetchInit & { method?: string } = {}, fetchInit: Parameters<typeof undiciFetch>[1] = init as never) {
  const theirs = await seen(await undiciFetch(url, { ...fetchInit, dispatcher: agent }));
  const ours = await seen(await kitFetch(url, { ...init, idempotencyKey: false }));
  expect(ours).toEqual(theirs);
  return ours;
}

describe('ctx.fetch sends and answers as fetch does', () => {
  it('a GET: the default headers fetch adds (accept, accept-encoding, user-agent, ...)', async () => {
    const got = await same(`${a.url}/echo`);
    expect(got.body).toMatchObject({ method: 'GET', headers: { accept: '*/*', 'accept-encoding': 'gzip, deflate' } });
    expect(got.url).toBe(`${a.url}/echo`);
  });

  it('caller headers in any case, a string body (text/plain), JSON, URLSearchParams, bytes, HEAD and DELETE', async () => {
    await same(`${a.url}/echo`, { headers: { 'X-Trace': 't1', Accept: 'application/json', 'User-Agent': 'salon/1' } });
    await same(`${a.url}/echo`, { method: 'POST', body: 'plain words' });
    await same(`${a.url}/echo`, { method: 'post', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    await same(`${a.url}/echo`, { json: { slot: '10:00' } }, { method: 'POST', body: '{"slot":"10:00"}', headers: { 'content-type': 'application/json' } });
    await same(`${a.url}/echo`, { method: 'PUT', body: new URLSearchParams({ a: '1', b: 'x y' }) });
    await same(`${a.url}/echo`, { method: 'PATCH', body: new Uint8Array([1, 2, 3, 250]) });
    await same(`${a.url}/echo`, { method: 'POST' });
    await same(`${a.url}/echo`, { method: 'HEAD' });
    await same(`${a.url}/echo`, { method: 'DELETE' });
    await same(`${a.url}/echo`, { headers: { range: 'bytes=0-10' } });
  });

  it.each([301, 302, 303, 307, 308])('follows a %i as fetch does (method, body and url after it)', async (status) => {
    const got = await same(`${a.url}/redirect/${status}?to=/echo`, { method: 'POST', body: 'booking', headers: { 'content-type': 'text/plain', 'x-keep': 'k' } });
    expect(got.redirected).toBe(true);
    expect(got.url).toBe(`${a.url}/echo`);
  });

  it('a redirect to another origin drops the authorization and cookie headers; a chain of redirects ends at the last url', async () => {
    const got = await same(`${a.url}/redirect/302?to=${encodeURIComponent(`${b.url}/redirect/307?to=/echo`)}`, { headers: { authorization: 'Bearer secret', cookie: 'c=1', 'x-keep': 'k' } });
    expect(got.url).toBe(`${b.url}/echo`);
    expect((got.body as { headers: Record<string, string> }).headers.authorization).toBeUndefined();
    await same(`${a.url}/redirect/302?to=/echo`, { headers: { authorization: 'Bearer same-origin' } });
  });

  it('answers a 300, a redirect without a Location and redirect: "manual" as they are', async () => {
    await same(`${a.url}/redirect/300?to=/echo`);
    await same(`${a.url}/status/302`);
    await same(`${a.url}/redirect/302?to=/echo`, { redirect: 'manual' });
  });

  it.each(['gzip', 'deflate', 'deflate-raw', 'br', 'deflate, gzip', 'identity'])('decodes a %s body', async (coding) => {
    const got = await same(`${a.url}/encoded?coding=${encodeURIComponent(coding)}`);
    expect(got.body).toBe(BODY);
  });

  it('keeps status words, repeated headers and cookies; 204 and 304 have no body', async () => {
    const got = await same(`${a.url}/cookies`);
    expect(got.setCookie).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(got.statusText).toBe('Made It');
    await same(`${a.url}/status/418`);
    await same(`${a.url}/status/204`);
    await same(`${a.url}/status/304`);
    await same(`${a.url}/status/404`);
    // An interim 103 before the answer: the answer is what comes back.
    const early = await same(`${a.url}/early`);
    expect([early.status, early.body]).toEqual([200, BODY]);
  });

  it('a redirect loop and a redirect to another scheme fail as fetch fails them, naming why', async () => {
    // fetch follows 20 redirects and fails the 21st.
    expect((await same(`${a.url}/chain/19`)).url).toBe(`${a.url}/echo`);
    await expect(undiciFetch(`${a.url}/chain/20`, { dispatcher: agent })).rejects.toMatchObject({ cause: { message: 'redirect count exceeded' } });
    await expect(kitFetch(`${a.url}/chain/20`)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('(redirect count exceeded)') });
    await expect(undiciFetch(`${a.url}/loop`, { dispatcher: agent })).rejects.toMatchObject({ cause: { message: 'redirect count exceeded' } });
    await expect(kitFetch(`${a.url}/loop`)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('(redirect count exceeded)') });
    const ftp = `${a.url}/redirect/302?to=${encodeURIComponent('ftp://127.0.0.1/x')}`;
    const theirs = (await undiciFetch(ftp, { dispatcher: agent }).catch((e: unknown) => e)) as { cause: Error };
    await expect(kitFetch(ftp)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining(`(${theirs.cause.message})`) });
  });
});

describe('unlike fetch', () => {
  it('reads the whole answer within the attempt: a host that stalls halfway through its body is cut off and retried', async () => {
    const stalling = createFetch({ policy: { attemptTimeoutMs: 200, maxAttempts: 2, backoff: { baseMs: 5, capMs: 10 }, breaker: false } });
    const { fetch, log } = stalling.forCall({ callId: 'call_s', functionName: 'f', idempotencyKey: 'fn:s', deadline: Date.now() + 5000 });
    const started = Date.now();
    await expect(fetch(`${a.url}/half-body`)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('did not answer within 200 ms after 2 attempts') });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(log.attempts.map((x) => x.error)).toEqual(['timeout', 'timeout']);
    await stalling.close();
  });
});
