import type http from 'node:http';
import { HttpError } from './errors.js';

/** Read the whole body as bytes (signatures need them exact), refusing more than `limit`. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
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

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `body larger than ${limit} bytes`, { code: 'body_too_large', headers: { connection: 'close' } });
}
