// The request makers and client processes of bench/fetch.mjs: bare undici and ctx.fetch, each run the same way.
import path from 'node:path';

// POST+key: the same ctx.fetch POST against undici sending the same headers (a fixed 48-hex-digit
// Idempotency-Key, so deriving the key still counts as ctx.fetch's cost): the wire is alike.
const FIXED_KEY = '0123456789abcdef'.repeat(3);
let sent = 0;

/** One request with bare undici: GET, POST, POST+key (the headers ctx.fetch sends), or GET/request (no fetch layer). */
export const bareRequest = (fetch, agent, url, method) => {
  if (method === 'GET/request') return requestGet(agent, url);
  return async () => {
    const res = await fetch(`${url}/slots`, method !== 'GET' ? { method: 'POST', dispatcher: agent, headers: method === 'POST+key' ? { 'content-type': 'application/json', 'Idempotency-Key': FIXED_KEY } : { 'content-type': 'application/json' }, body: JSON.stringify({ slot: '09:30', n: sent++ }) } : { dispatcher: agent });
    await res.json();
  };
};

/** A GET on undici's dispatcher (Dispatcher.request, no fetch layer): what ctx.fetch itself now sends through. */
const requestGet = (agent, url) => {
  const { origin, pathname } = new URL(`${url}/slots`);
  return async () => {
    const { body } = await agent.request({ origin, path: pathname, method: 'GET' });
    await body.json();
  };
};

/** One request with ctx.fetch, in a new function-call scope as serve makes one per function call. */
export const kitRequest = (fetcher, url, method) => async () => {
  const i = sent++;
  const ctxFetch = fetcher.forCall({ callId: `call_${i % 500}`, functionName: 'book', idempotencyKey: `fn:${i}`, deadline: Date.now() + 10_000 }).fetch;
  const res = await ctxFetch(`${url}/slots`, !method.startsWith('GET') ? { json: { slot: '09:30', n: i } } : undefined);
  await res.json();
};

/** `requests` requests, `concurrency` in flight; this process's CPU (user + system, all its threads) and wall time, in ms. */
export async function runRound(one, requests, concurrency) {
  let left = requests;
  const cpu = process.cpuUsage();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await one();
    }),
  );
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/** A request maker of one kind: `bare` (undici with its own Agent) or `kit` (ctx.fetch from the build in `dist`). */
export async function requestMaker(kind, url, dist) {
  const { Agent, fetch } = await import('undici');
  if (kind === 'bare') {
    const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
    return { make: (method) => bareRequest(fetch, agent, url, method), close: () => agent.close() };
  }
  const fetcher = (await import(path.join(dist, 'handlers/fetch.js'))).createFetch();
  return { make: (method) => kitRequest(fetcher, url, method), close: () => fetcher.close() };
}

/**
 * A client process for the CPU turns (`--worker <json>`): one client (the default: a process of its own,
 * as a user's serve process runs ctx.fetch alone) or several (--in-process: they share its heap, GC and
 * undici's code). The JSON lists `{ kind, dist }`. It waits for `{ which, method, requests, concurrency }`
 * and answers with that turn's CPU and wall time, measured in here around the requests only (the
 * messages are outside it).
 */
export async function worker([json, url]) {
  const makers = [];
  for (const { kind, dist } of JSON.parse(json)) makers.push(await requestMaker(kind, url, dist));
  process.on('message', async (turn) => {
    if (turn === 'close') {
      for (const maker of makers) await maker.close();
      process.disconnect();
      return;
    }
    process.send(await runRound(makers[turn.which].make(turn.method), turn.requests, turn.concurrency));
  });
  process.send('ready');
}

/** One client for --instructions (`--client <bare|kit> <GET|POST> <url> <requests> <in flight> <dist>`): 1,000 warm-up requests, then `requests`. */
export async function client([kind, method, url, count, concurrency, dist]) {
  const maker = await requestMaker(kind, url, dist);
  await runRound(maker.make(method), 1000 + Number(count), Number(concurrency));
  await maker.close();
}
