import { countBySeverity } from '../diagnostic.js';
import type { Formatter } from './types.js';

/** The stable machine format, described by schemas/lint-report.schema.json. */
const json: Formatter = (results) => {
  const all = results.flatMap((r) => r.diagnostics);
  const counts = countBySeverity(all);
  const report = {
    version: 1,
    results: results.map((r) => ({
      file: r.file,
      diagnostics: r.diagnostics.map((d) => ({
        ruleId: d.ruleId,
        severity: d.severity,
        message: d.message,
        messageId: d.messageId,
        data: d.data,
        pointer: d.pointer,
        line: d.line,
        column: d.column,
        endLine: d.endLine,
        endColumn: d.endColumn,
        nodeId: d.nodeId ?? null,
        edgeId: d.edgeId ?? null,
        docsUrl: d.docsUrl,
        // Optional keys, added in version 1's lifetime: present only when the finding has them.
        ...(d.hint !== undefined ? { hint: d.hint } : {}),
        ...(d.flowId !== undefined ? { flowId: d.flowId } : {}),
        ...(d.related?.length ? { related: d.related } : {}),
      })),
    })),
    summary: { errors: counts.errors, warnings: counts.warnings, infos: counts.infos, files: results.length },
  };
  return JSON.stringify(report, null, 2) + '\n';
};

export default json;
