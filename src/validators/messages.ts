import type { DiagnosticData } from '../diagnostic.js';

/** Fill {{name}} placeholders. A placeholder without data stays visible, so tests can catch it. */
export function interpolate(template: string, data: DiagnosticData): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}

export const DOCS_BASE = 'https://github.com/retell-kit/retell-kit/blob/main/docs/rules.md';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}#${ruleId}`;
}
