import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { Response, type Dispatcher } from 'undici';

// One ctx.fetch attempt sent through undici's dispatcher, answered as undici's fetch answers it: the
// request headers fetch adds, its redirect rules (WHATWG fetch, "HTTP-redirect fetch"), its decoding of
// gzip/deflate/br bodies, and a real undici Response with fetch's url and redirected. fetch's own
// machinery (a Request, Headers objects, web streams for both bodies, a controller per fetch) cost
// three to four times the client CPU of the request itself on a loopback host (bench:fetch); ctx.fetch
// reads answers whole anyway, as a handler answering a caller needs them. Requests this does not cover
// (another scheme, a port fetch blocks, a stream body, fetch options such as redirect: 'manual') go
// to undici's fetch instead: see `canSend`. test/handlers/fetch-wire.test.ts holds the two side by side.

/** How an attempt is cut off: set by the caller, read here. */
export interface Cut {
  /** Why the attempt was cut off, once it was. */
  reason?: Error;
  /** The request's abort, once undici gave the request a connection. */
  abort?: (reason: Error) => void;
  /** Fails the attempt now, before the request reached a connection. */
  fail?: (reason: Error) => void;
}

export type WireBody = string | Uint8Array | URLSearchParams | null | undefined;

export interface WireRequest {
  url: URL;
  /** Upper case. */
  method: string;
  headers: Record<string, string> | undefined;
  body: WireBody;
}

/** Ports fetch refuses (https://fetch.spec.whatwg.org/#port-blocking): such requests go to fetch, which refuses them. */
const BAD_PORTS = new Set([1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);
/** Methods fetch refuses to send. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);
/** Headers that describe a body: dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];
/** Dropped on a redirect to another origin, as fetch does. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host'];
/** fetch follows at most this many redirects. */
const MAX_REDIRECTS = 20;
/** What undici's fetch sends as user-agent when undici is its own package (Node's built-in fetch says "node"). */
const USER_AGENT = 'undici';

/** Whether this path sends a request exactly as fetch would; anything else goes to undici's fetch. */
export function canSend(url: URL, method: string, body: unknown, redirect: unknown): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  if (url.port && BAD_PORTS.has(Number(url.port))) return false;
  if (FORBIDDEN_METHODS.has(method)) return false;
  if (redirect !== undefined && redirect !== 'follow') return false;
  return body == null || typeof body === 'string' || body instanceof Uint8Array || body instanceof URLSearchParams;
}

/**
 * The headers fetch puts on the wire: the caller's under lower-case names (the same name twice in other
 * cases joined with ", "), the body's content-type when none was given, and fetch's defaults.
 */
function wireHeaders(url: URL, given: Record<string, string> | undefined, body: WireBody): Record<string, string> {
  const out: Record<string, string> = {};
  if (given) {
    for (const name in given) {
      const lower = name.toLowerCase();
      const value = String(given[name]).trim();
      out[lower] = out[lower] === undefined ? value : `${out[lower]}, ${value}`;
    }
  }
  if (out['content-type'] === undefined) {
    if (typeof body === 'string') out['content-type'] = 'text/plain;charset=UTF-8';
    else if (body instanceof URLSearchParams) out['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  }
  out.accept ??= '*/*';
  out['accept-language'] ??= '*';
  out['sec-fetch-mode'] = 'cors';
  out['user-agent'] ??= USER_AGENT;
  if (out.range !== undefined) out['accept-encoding'] = out['accept-encoding'] === undefined ? 'identity' : `${out['accept-encoding']}, identity`;
  out['accept-encoding'] ??= url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate';
  return out;
}

interface Answer {
  status: number;
  statusText: string;
  /** Header names lower-cased, values as fetch reads them (latin1), in the order received. */
  headers: [string, string][];
  body: Buffer | null;
}

/** One exchange on the dispatcher: the status, headers and whole body, or the error; `cut` can stop it at any point. */
function exchange(dispatcher: Dispatcher, url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, cut: Cut): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    if (cut.reason) return fail(cut.reason);
    cut.abort = undefined;
    cut.fail = fail;
    let status = 0;
    let statusText = '';
    let answerHeaders: [string, string][] = [];
    const chunks: Buffer[] = [];
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        cut.abort = abort as (reason: Error) => void;
        // Cut off while the request waited for a connection: it is never sent.
        if (cut.reason) abort(cut.reason);
      },
      onHeaders(statusCode, raw, _resume, message) {
        // A 1xx answer (103 Early Hints) is interim: read on to the final one (false would pause the socket).
        if (statusCode < 200) return true;
        status = statusCode;
        statusText = message;
        answerHeaders = [];
        for (let i = 0; i < raw.length; i += 2) answerHeaders.push([String(raw[i]!).toLowerCase(), raw[i + 1]!.toString('latin1')]);
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        if (settled) return;
        settled = true;
        resolve({ status, statusText, headers: answerHeaders, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
      },
      onError: fail,
    };
    try {
      dispatcher.dispatch({ origin: url.origin, path: url.pathname + url.search, method, headers, body }, handler);
    } catch (error) {
      fail(error as Error);
    }
  });
}

function header(headers: [string, string][], name: string): string | undefined {
  for (const [n, v] of headers) if (n === name) return v;
  return undefined;
}

const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const gunzip = promisify(zlib.gunzip);
const brotli = promisify(zlib.brotliDecompress);
const zstd = (zlib as unknown as { zstdDecompress?: typeof zlib.gunzip }).zstdDecompress;
const unzstd = zstd ? promisify(zstd) : undefined;
// As lenient as fetch (and curl): a body cut short after whole blocks still decodes.
const LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const LENIENT_BROTLI = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

/** The body with its content-codings undone, last applied first; an unknown coding leaves it as sent, as fetch does. */
async function decoded(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  if (!contentEncoding || body.length === 0) return body;
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > 5) throw new Error(`too many content-encodings in response: ${codings.length}, maximum allowed is 5`);
  const steps: ((b: Buffer) => Promise<Buffer>)[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!.trim();
    if (coding === 'gzip' || coding === 'x-gzip') steps.push((b) => gunzip(b, LENIENT));
    // "deflate" is zlib-wrapped by the spec, raw in the wild: the first byte tells them apart.
    else if (coding === 'deflate') steps.push((b) => (b.length === 0 ? Promise.resolve(b) : (b[0]! & 0x0f) === 0x08 ? inflate(b, LENIENT) : inflateRaw(b, LENIENT)));
    else if (coding === 'br') steps.push((b) => brotli(b, LENIENT_BROTLI));
    else if (coding === 'zstd' && unzstd) steps.push((b) => unzstd(b));
    else return body;
  }
  let out = body;
  for (const step of steps) out = await step(out);
  return out;
}

/** fetch's Response for an answer: a real undici Response, with fetch's url and redirected. */
function responseOf(answer: Answer, body: Buffer | null, url: URL, redirected: boolean): Response {
  if (answer.status > 599) throw new Error(`invalid status ${answer.status}`);
  let response: Response;
  try {
    response = new Response(body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
  } catch {
    // A reason phrase the Response constructor refuses (fetch keeps any): the status without it.
    response = new Response(body, { status: answer.status, headers: answer.headers });
  }
  const href = url.hash ? url.href.slice(0, url.href.length - url.hash.length) : url.href;
  Object.defineProperty(response, 'url', { value: href, enumerable: true });
  if (redirected) Object.defineProperty(response, 'redirected', { value: true, enumerable: true });
  return response;
}

/**
 * Sends a request as fetch would (call `canSend` first) and answers with the whole response, following
 * redirects as fetch does. Network trouble rejects with undici's error (its `code` says what), as a
 * failed fetch's `cause` would.
 */
export async function send(dispatcher: Dispatcher, request: WireRequest, cut: Cut): Promise<Response> {
  let url = request.url;
  let method = request.method;
  const headers = wireHeaders(url, request.headers, request.body);
  let body = request.body instanceof URLSearchParams ? request.body.toString() : (request.body ?? undefined);
  for (let redirects = 0; ; redirects++) {
    const answer = await exchange(dispatcher, url, method, headers, body, cut);
    const location = REDIRECT_STATUS.has(answer.status) ? header(answer.headers, 'location') : undefined;
    if (location === undefined) {
      const noBody = method === 'HEAD' || NULL_BODY_STATUS.has(answer.status);
      const content = noBody ? null : await decoded(answer.body!, header(answer.headers, 'content-encoding'));
      return responseOf(answer, content, url, redirects > 0);
    }
    // A Location in UTF-8 bytes (as some sites send) reads as it was meant, as fetch and browsers do.
    const next = new URL(/[^\x00-\x7f]/.test(location) ? Buffer.from(location, 'latin1').toString('utf8') : location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error('URL scheme must be a HTTP(S) scheme');
    if (redirects === MAX_REDIRECTS) throw new Error('redirect count exceeded');
    if (((answer.status === 301 || answer.status === 302) && method === 'POST') || (answer.status === 303 && method !== 'GET' && method !== 'HEAD')) {
      method = 'GET';
      body = undefined;
      for (const name of BODY_HEADERS) delete headers[name];
    }
    if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
    url = next;
  }
}
