import { join } from '../../flow/pointer.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'max-retry-idempotent',
  meta: {
    description: 'A custom tool Retell retries (max_retry > 0) calls a handler declared safe to run twice.',
    defaultSeverity: 'warning',
    messages: {
      notIdempotent:
        'tool "{{name}}" has max_retry {{retries}} (up to {{attempts}} runs) but its handler is not declared idempotent',
    },
  },
  check({ graph, settings, report }) {
    const safe = new Set(settings.idempotentFunctions);
    for (const tool of graph.tools) {
      if (tool.type !== 'custom' || !tool.name) continue;
      const retries = tool.raw.max_retry;
      if (typeof retries !== 'number' || retries <= 0) continue;
      // A GET only reads: running it twice is harmless.
      if (typeof tool.raw.method === 'string' && tool.raw.method.toUpperCase() === 'GET') continue;
      if (safe.has(tool.name)) continue;
      report({ messageId: 'notIdempotent', data: { name: tool.name, retries, attempts: retries + 1 }, pointer: join(tool.pointer, 'max_retry'), hint: 'set idempotent: true on the function, list it in lint.idempotentFunctions, or set max_retry to 0' });
    }
  },
});
