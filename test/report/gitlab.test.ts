import { describe, expect, it } from 'vitest';
import gitlab from '../../src/report/gitlab.js';
import { brokenFlow, context, lint } from './sample.js';

type Issue = { type: string; check_name: string; description: string; severity: string; fingerprint: string; location: { path: string; lines: { begin: number; end: number } } };

describe('gitlab (Code Quality)', () => {
  it('writes one issue per finding with GitLab severities, path and lines', () => {
    const result = lint(brokenFlow({ dangling: ['nowhere'], deadEnds: 1 }), 'flows/support.json');
    const issues = JSON.parse(gitlab([result], context)) as Issue[];
    expect(issues).toHaveLength(result.diagnostics.length);
    for (const [i, issue] of issues.entries()) {
      const d = result.diagnostics[i]!;
      expect(issue).toMatchObject({ type: 'issue', check_name: d.ruleId, severity: d.severity === 'error' ? 'critical' : 'minor', location: { path: 'flows/support.json', lines: { begin: d.line, end: d.endLine } } });
      expect(issue.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(new Set(issues.map((x) => x.fingerprint)).size).toBe(issues.length);
  });

  it('keeps fingerprints through reformatting (identity, not lines)', () => {
    const flow = brokenFlow({ dangling: ['nowhere'], deadEnds: 1 });
    const a = JSON.parse(gitlab([lint(flow, 'flows/support.json', {}, 2)], context)) as Issue[];
    const b = JSON.parse(gitlab([lint(flow, 'flows/support.json', {}, 0)], context)) as Issue[];
    expect(b.map((x) => x.fingerprint)).toEqual(a.map((x) => x.fingerprint));
    expect(b.map((x) => x.location.lines.begin)).not.toEqual(a.map((x) => x.location.lines.begin));
  });

  it('is an empty list when there is nothing to report', () => {
    expect(JSON.parse(gitlab([], context))).toEqual([]);
  });
});
