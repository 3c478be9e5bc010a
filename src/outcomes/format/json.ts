// The JSON report: the contract CI scripts read (schemas/report.schema.json, docs/report.md).
import type { Report } from '../report.js';

export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
