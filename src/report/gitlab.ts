import { createHash } from 'node:crypto';
import { findingKey, type Severity } from '../diagnostic.js';
import type { Formatter } from './types.js';

/** GitLab's Code Quality severities. */
const SEVERITY: Record<Severity, 'critical' | 'minor' | 'info'> = { error: 'critical', warning: 'minor', info: 'info' };

/**
 * GitLab Code Quality (a CodeClimate subset) for merge-request widgets: one issue per finding. The
 * fingerprint comes from the one finding identity (rule, flow, node/edge, subject), like SARIF's, so
 * GitLab tracks a finding across reformatting; identical identities count up by occurrence.
 */
const gitlab: Formatter = (results, context) => {
  const base = { cwd: context.cwd, root: context.cwd };
  const seen = new Map<string, number>();
  const issues = results.flatMap((r) =>
    r.diagnostics.map((d) => {
      const key = findingKey(d, base);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      return {
        type: 'issue',
        check_name: d.ruleId,
        description: d.hint ? `${d.message} (${d.hint})` : d.message,
        severity: SEVERITY[d.severity],
        fingerprint: createHash('md5').update(`${key}\u0000${occurrence}`).digest('hex'),
        location: { path: d.file, lines: { begin: d.line, end: d.endLine } },
      };
    }),
  );
  return `${JSON.stringify(issues, null, 2)}\n`;
};

export default gitlab;
