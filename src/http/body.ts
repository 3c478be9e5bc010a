import type http from 'node:http';
import { HttpError } from './errors.js';

/** Read the whole body as bytes (signatures need them exact), refusing more than `limit`. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  if (req.readableEnded || (req as { body?: unknown }).body !== undefined) {
    // Body-parsing middleware (express.json(), body-parser) read it first: waiting would hang for ever.
    return Promise.reject(
      new HttpError(500, 'the request body was already read by something in front of this handler (body-parsing middleware such as express.json()); mount it before any body parser, which would also break signature checks', { code: 'body_consumed' }),
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** Parse a body as JSON, or a 400 that quotes the parser's first line. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON: ${(error as Error).message.split('\n')[0]}`, { code: 'malformed_json' });
  }
}

/** True when `value` nests objects and arrays deeper than `max` levels (checked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `body larger than ${limit} bytes`, { code: 'body_too_large', headers: { connection: 'close' } });
}
