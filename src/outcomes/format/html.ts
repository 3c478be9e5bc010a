import type { Report } from '../report.js';
export function formatHtml(report: Report): string {
  return `<!doctype html><pre>${JSON.stringify(report.calls)}</pre>`;
}
