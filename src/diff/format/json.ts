import type { DiffResult } from '../index.js';

/** --format json: the result as data (schema version 1). */
export function formatJson(result: DiffResult): string {
  return JSON.stringify({ version: 1, a: result.a, b: result.b, summary: result.summary, ...(result.usage && { usage: result.usage }), changes: result.changes }, null, 2) + '\n';
}
