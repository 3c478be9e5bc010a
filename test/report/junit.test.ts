import { describe, expect, it } from 'vitest';
import junit, { escapeAttribute, escapeText } from '../../src/report/junit.js';
import type { FileResult } from '../../src/validators/lint.js';
import { brokenFlow, context, lint, sampleResults } from './sample.js';

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

// XML 1.0 Char production: tab, LF, CR, and everything from U+0020 except surrogates, U+FFFE, U+FFFF.
const isXmlChar = (code: number) => code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare & in ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body]!;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!m) throw new Error(`unknown entity &${body}; in ${where}`);
    const code = m[1] ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
    if (!isXmlChar(code)) throw new Error(`reference to a character XML forbids (${code}) in ${where}`);
    return String.fromCodePoint(code);
  });
}

/** A strict little XML 1.0 reader: enough to prove the report well-formed and to read it back. */
function parseXml(xml: string): Element {
  for (const ch of xml) {
    if (!isXmlChar(ch.codePointAt(0)!)) throw new Error(`forbidden character U+${ch.codePointAt(0)!.toString(16)}`);
  }
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')) throw new Error('missing XML declaration');
  let i = xml.indexOf('\n') + 1;
  const stack: Element[] = [];
  let root: Element | undefined;
  const name = '[A-Za-z_][\\w.-]*';
  const tag = new RegExp(`^<(${name})((?:\\s+${name}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`);
  while (i < xml.length) {
    if (xml.startsWith('</', i)) {
      const m = new RegExp(`^</(${name})\\s*>`).exec(xml.slice(i));
      if (!m) throw new Error(`bad end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`</${m[1]}> closes <${open?.name}>`);
      i += m[0].length;
    } else if (xml[i] === '<') {
      const m = tag.exec(xml.slice(i));
      if (!m) throw new Error(`bad start tag at ${i}: ${xml.slice(i, i + 40)}`);
      const attrs: Record<string, string> = {};
      for (const a of m[2]!.matchAll(new RegExp(`(${name})\\s*=\\s*"([^"]*)"`, 'g'))) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]!] = decode(a[2]!, `attribute ${a[1]}`);
      }
      const el: Element = { name: m[1]!, attrs, children: [], text: '' };
      if (stack.length) stack.at(-1)!.children.push(el);
      else if (root) throw new Error('second root element');
      else root = el;
      if (!m[3]) stack.push(el);
      i += m[0].length;
    } else {
      const end = xml.indexOf('<', i) === -1 ? xml.length : xml.indexOf('<', i);
      const raw = xml.slice(i, end);
      if (raw.includes('>')) throw new Error('raw > in text');
      if (stack.length) stack.at(-1)!.text += decode(raw, `text of <${stack.at(-1)!.name}>`);
      else if (raw.trim()) throw new Error('text outside the root');
      i = end;
    }
  }
  if (stack.length || !root) throw new Error('unclosed elements');
  return root;
}

const render = (results: FileResult[]) => parseXml(junit(results, context));

describe('junit formatter', () => {
  it('has a testsuite per file and a testcase per file and rule', () => {
    const results = sampleResults();
    const root = render(results);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '5', failures: '3', errors: '0' });
    expect(root.children.map((s) => [s.name, s.attrs.name, s.attrs.tests, s.attrs.failures])).toEqual([
      ['testsuite', 'flows/support line.json', '2', '2'],
      ['testsuite', 'flows/billing.json', '2', '1'],
      ['testsuite', 'flows/clean.json', '1', '0'],
    ]);
    const support = root.children[0]!;
    expect(support.children.map((c) => [c.attrs.name, c.attrs.classname])).toEqual([
      ['no-dangling-edge', 'flows/support line.json'],
      ['no-dead-end', 'flows/support line.json'],
    ]);
  });

  it('puts every finding of a rule in its failure, with line:col and message', () => {
    const results = sampleResults();
    const dangling = render(results).children[0]!.children[0]!;
    const failure = dangling.children[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attrs).toEqual({ message: 'no-dangling-edge: 2 errors', type: 'error' });
    const expected = results[0]!.diagnostics
      .filter((d) => d.ruleId === 'no-dangling-edge')
      .map((d) => `${d.line}:${d.column} error ${d.message} ${d.docsUrl}`);
    expect(expected).toHaveLength(2);
    expect(failure.text.split('\n')).toEqual(expected);

    const deadEnd = render(results).children[0]!.children[1]!.children[0]!;
    expect(deadEnd.attrs).toEqual({ message: 'no-dead-end: 1 warning', type: 'warning' });
  });

  it('lets info findings pass, keeping them in system-out', () => {
    const billing = render(sampleResults()).children[1]!;
    const info = billing.children.find((c) => c.attrs.name === 'no-dead-end')!;
    expect(info.children.map((c) => c.name)).toEqual(['system-out']);
    expect(info.children[0]!.text).toMatch(/^\d+:\d+ info conversation node "stuck-0" has no way out/);
  });

  it('gives a clean file one passing testcase', () => {
    const clean = render(sampleResults()).children[2]!;
    expect(clean.children).toEqual([{ name: 'testcase', attrs: { name: 'retell-kit lint', classname: 'flows/clean.json' }, children: [], text: '' }]);
  });

  it('escapes markup, quotes and characters XML 1.0 forbids', () => {
    const hostile = `<b>&amp;"q" 'a'\u0001\u001b\uFFFE\uD800 end`;
    const file = `flows/<"odd">&'\u0002.json`;
    const xml = junit([lint(brokenFlow({ dangling: [hostile], deadEnds: 0 }), file)], context);
    const root = parseXml(xml);
    const suite = root.children[0]!;
    expect(suite.attrs.name).toBe(`flows/<"odd">&'\\u0002.json`);
    expect(suite.children[0]!.attrs.classname).toBe(suite.attrs.name);
    const text = suite.children[0]!.children[0]!.text;
    expect(text).toContain(`goes to "<b>&amp;"q" 'a'\\u0001\\u001b\\ufffe\uFFFD end"`);
  });

  it('keeps newlines and tabs in attributes through attribute normalisation', () => {
    expect(escapeAttribute('a\tb\nc"')).toBe('a&#9;b&#10;c&quot;');
    expect(escapeText('x\r\ny <z> & \u0000')).toBe('x&#13;\ny &lt;z&gt; &amp; \\u0000');
    expect(parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n<a b="${escapeAttribute('1\t2\n3')}"/>`).attrs.b).toBe('1\t2\n3');
  });

  it('is well-formed with no files at all', () => {
    expect(render([])).toEqual({ name: 'testsuites', attrs: { name: 'retell-kit lint', tests: '0', failures: '0', errors: '0' }, children: [], text: '\n' });
  });

  it('the reader rejects what is not well-formed', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(() => parseXml(`${head}<a><b></a></b>`)).toThrow(/closes/);
    expect(() => parseXml(`${head}<a>x & y</a>`)).toThrow(/bare &/);
    expect(() => parseXml(`${head}<a>&#1;</a>`)).toThrow(/forbids/);
    expect(() => parseXml(`${head}<a>\u0001</a>`)).toThrow(/forbidden/);
    expect(() => parseXml(`${head}<a b="1" b="2"/>`)).toThrow(/duplicate/);
  });
});
