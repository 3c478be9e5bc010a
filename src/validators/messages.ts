import type { DiagnosticData } from '../diagnostic.js';

/** Fill {{name}} placeholders. A placeholder without data stays visible, so tests can catch it. */
export function interpolate(template: string, data: DiagnosticData): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}
