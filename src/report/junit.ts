import { countBySeverity, type Diagnostic, type Severity } from '../diagnostic.js';
import type { Formatter } from './types.js';

/**
 * XML 1.0 forbids most control characters even as character references, and lone surrogates cannot
 * be encoded at all. Control characters stay visible as \uXXXX; lone surrogates become U+FFFD.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(text: string): string {
  return text.replace(FORBIDDEN, (ch) => {
    const code = ch.charCodeAt(0);
    return code >= 0xd800 && code <= 0xdfff ? '\uFFFD' : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function escapeText(text: string): string {
  return clean(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Attribute values also lose raw tabs and newlines to normalisation, so those become references. */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function findingLine(d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${d.line}:${d.column} ${d.severity} ${d.message}${hint} ${d.docsUrl}`;
}

/**
 * JUnit XML: a <testsuite> per file and a <testcase> per file and rule. Errors and warnings fail the
 * test case (one <failure> listing every finding of that rule); info findings alone pass and are
 * kept in <system-out>. A clean file gets one passing test case, so CI shows it was linted.
 */
const junit: Formatter = (results) => {
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  for (const r of results) {
    const byRule = new Map<string, Diagnostic[]>();
    for (const d of r.diagnostics) {
      const list = byRule.get(d.ruleId);
      if (list) list.push(d);
      else byRule.set(d.ruleId, [d]);
    }
    const cases: string[] = [];
    let failures = 0;
    const classname = escapeAttribute(r.file);
    if (byRule.size === 0) {
      cases.push(`    <testcase name="retell-kit lint" classname="${classname}"/>`);
    }
    for (const ruleId of [...byRule.keys()].sort()) {
      const findings = byRule.get(ruleId)!;
      const body = escapeText(findings.map(findingLine).join('\n'));
      const failing = findings.filter((d) => d.severity !== 'info');
      const open = `    <testcase name="${escapeAttribute(ruleId)}" classname="${classname}">`;
      if (failing.length === 0) {
        cases.push(`${open}\n      <system-out>${body}</system-out>\n    </testcase>`);
        continue;
      }
      failures++;
      const worst = failing.reduce((a, d) => (rank[d.severity] < rank[a] ? d.severity : a), failing[0]!.severity);
      const counts = countBySeverity(findings);
      const parts = [counts.errors && plural(counts.errors, 'error'), counts.warnings && plural(counts.warnings, 'warning'), counts.infos && `${counts.infos} info`].filter(Boolean);
      const message = `${ruleId}: ${parts.join(', ')}`;
      cases.push(`${open}\n      <failure message="${escapeAttribute(message)}" type="${worst}">${body}</failure>\n    </testcase>`);
    }
    totalTests += cases.length;
    totalFailures += failures;
    suites.push(
      `  <testsuite name="${escapeAttribute(r.file)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const open = `<testsuites name="retell-kit lint" tests="${totalTests}" failures="${totalFailures}" errors="0">`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', open, ...suites, '</testsuites>'].join('\n') + '\n';
};

export default junit;
