import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, ROOT, tempDir } from '../helpers/cli.js';

const VALID = 'fixtures/flows/valid/salon-booking.json';
const DANGLING = 'fixtures/flows/invalid/dangling-edge-and-dead-end.json';
const UNCONNECTED = 'fixtures/flows/invalid/unconnected-edges.json';

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('retell-kit (binary)', () => {
  it('prints its version', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = cli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('shows help with examples for lint', () => {
    const r = cli(['lint', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--baseline-write');
  });

  it('rejects an unknown flag with exit 2', () => {
    const r = cli(['lint', '--frobnicate', VALID]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});

describe('retell-kit lint', () => {
  it('passes a clean flow with exit 0 and no output', () => {
    const r = cli(['lint', VALID, 'fixtures/flows/valid/salon-booking.yaml']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('reports findings with positions and rule ids, exit 1', () => {
    const r = cli(['lint', DANGLING]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(DANGLING);
    expect(r.stdout).toMatch(/\d+:\d+\s+error\s+edge from "Offer the slot" goes to "book_appointment".*no-dangling-edge/);
    expect(r.stdout).toMatch(/✖ \d+ problems? \(\d+ errors?, \d+ warnings?\)/);
  });

  it('prints machine-readable JSON', () => {
    const r = cli(['lint', DANGLING, '--format', 'json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(report.results[0].file).toBe(DANGLING);
    const d = report.results[0].diagnostics.find((x: { ruleId: string }) => x.ruleId === 'no-dangling-edge');
    expect(d).toMatchObject({ severity: 'error', messageId: 'dangling', pointer: '/nodes/4/edges/0/destination_node_id', nodeId: 'offer_slot', edgeId: 'offer-to-book' });
    expect(d.line).toBeGreaterThan(1);
    expect(d.docsUrl).toMatch(/rules\.md#no-dangling-edge$/);
    expect(report.summary.errors).toBeGreaterThanOrEqual(2);
    expect(report.summary.files).toBe(1);
  });

  it('writes several formats in one run', () => {
    const dir = tempDir();
    const r = cli(['lint', DANGLING, '-f', 'stylish', '-f', 'json', '-o', `json=${path.join(dir, 'out', 'lint.json')}`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('no-dangling-edge');
    expect(JSON.parse(readFileSync(path.join(dir, 'out', 'lint.json'), 'utf8')).version).toBe(1);
  });

  it('refuses two formats on stdout', () => {
    const r = cli(['lint', DANGLING, '-f', 'stylish', '-f', 'json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^retell-kit: several formats would share stdout/);
  });

  it('honours --max-warnings and --quiet', () => {
    // unconnected-edges has warnings; make them the only findings by turning the errors off.
    const base = ['lint', UNCONNECTED, '--rule', 'no-dead-end:off', '--rule', 'no-vague-transition:off'];
    const lenient = cli(base);
    expect(lenient.stdout).toContain('warning');
    const strict = cli([...base, '--max-warnings', '0']);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/warnings exceed --max-warnings 0/);
    const quiet = cli([...base, '--quiet', '-f', 'json']);
    expect(JSON.parse(quiet.stdout).results[0].diagnostics.every((d: { severity: string }) => d.severity === 'error')).toBe(true);
  });

  it('turns rules off and rejects unknown rules with a suggestion', () => {
    const off = cli(['lint', DANGLING, '--rule', 'no-dangling-edge:off', '-f', 'json']);
    const ids = JSON.parse(off.stdout).results[0].diagnostics.map((d: { ruleId: string }) => d.ruleId);
    expect(ids).not.toContain('no-dangling-edge');
    const bad = cli(['lint', DANGLING, '--rule', 'no-dangling-edges:off']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('retell-kit: --rule: unknown rule "no-dangling-edges" (did you mean "no-dangling-edge"?)');
  });

  it('lists the rules', () => {
    const r = cli(['lint', '--list-rules']);
    expect(r.status).toBe(0);
    for (const id of ['no-dead-end', 'no-trap', 'schema', 'no-silent-loop']) expect(r.stdout).toMatch(new RegExp(`^${id}\\s`, 'm'));
  });

  it('reads stdin', () => {
    const r = cli(['lint', '-', '--stdin-filename', 'piped.json', '-f', 'json'], { input: readFileSync(path.join(ROOT, DANGLING), 'utf8') });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).results[0].file).toBe('piped.json');
  });

  it('lints directories and globs, sorted by file', () => {
    const r = cli(['lint', 'fixtures/flows/valid', 'fixtures/flows/not-flows/*.json', '-f', 'json']);
    expect(r.status).toBe(0);
    const files = JSON.parse(r.stdout).results.map((x: { file: string }) => x.file);
    expect(files).toEqual(['fixtures/flows/not-flows/retell-llm-agent.json', 'fixtures/flows/valid/salon-booking.json', 'fixtures/flows/valid/salon-booking.yaml']);
  });

  it('treats a file that does not parse as a finding (exit 1), not a crash', () => {
    const r = cli(['lint', 'fixtures/flows/invalid/parse-error.json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/5:39\s+error\s+invalid JSON: expected a property name \(no trailing commas in JSON\), found "}"\s+parse-error/);
  });

  it('exits 2 with one line for a missing file, an empty glob or no input', () => {
    for (const [args, line] of [
      [['lint', 'missing.json'], 'retell-kit: missing.json: no such file or directory (check the path)'],
      [['lint', 'nowhere/**/*.json'], 'retell-kit: no .json, .yaml or .yml file matches "nowhere/**/*.json" (check the pattern, and quote it so the shell does not expand it)'],
      [['lint'], 'retell-kit: no input: give flow files, directories or globs (e.g. retell-kit lint flows/ (or - to read stdin))'],
    ] as const) {
      const r = cli([...args]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(line);
      expect(r.stdout).toBe('');
    }
  });

  it('adds the stack only with --debug', () => {
    const plain = cli(['lint', 'missing.json']);
    noStack(plain.stderr);
    const debug = cli(['--debug', 'lint', 'missing.json']);
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('honours NO_COLOR and FORCE_COLOR', () => {
    const forced = cli(['lint', DANGLING], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[/);
    const plain = cli(['lint', DANGLING], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('config', () => {
  const project = (config: Record<string, string>) => {
    const dir = tempDir();
    copyFileSync(fixture('flows/invalid/dangling-edge-and-dead-end.json'), path.join(dir, 'flow.json'));
    for (const [name, text] of Object.entries(config)) writeFileSync(path.join(dir, name), text);
    return dir;
  };

  it('reads rule severities from retell-kit.config.json', () => {
    const dir = project({ 'retell-kit.config.json': JSON.stringify({ lint: { rules: { 'no-dangling-edge': 'off', 'no-dead-end': 'warning' } } }) });
    const r = cli(['lint', 'flow.json', '-f', 'json'], { cwd: dir });
    const ds = JSON.parse(r.stdout).results[0].diagnostics as { ruleId: string; severity: string }[];
    expect(ds.some((d) => d.ruleId === 'no-dangling-edge')).toBe(false);
    expect(ds.find((d) => d.ruleId === 'no-dead-end')?.severity).toBe('warning');
  });

  it('reads YAML config and --config paths', () => {
    const dir = project({ 'lint.yaml': 'lint:\n  rules:\n    no-dangling-edge: info\n' });
    const r = cli(['lint', 'flow.json', '-f', 'json', '--config', 'lint.yaml'], { cwd: dir });
    const ds = JSON.parse(r.stdout).results[0].diagnostics as { ruleId: string; severity: string }[];
    expect(ds.find((d) => d.ruleId === 'no-dangling-edge')?.severity).toBe('info');
  });

  it('names the file and key of a bad value, exit 2', () => {
    const dir = project({ 'retell-kit.config.json': JSON.stringify({ lint: { rules: { 'no-dead-end': 'high' } } }) });
    const r = cli(['lint', 'flow.json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr.trim()).toBe('retell-kit: retell-kit.config.json: lint.rules.no-dead-end: expected a severity (off, error, warning, warn or info) or [severity, options], got "high"');
    noStack(r.stderr);
  });

  it('words a bad rule option like any other config value: full path from lint., expected, got', () => {
    const dir = project({ 'retell-kit.config.mjs': 'export default { lint: { rules: { "prompt-limits": ["warning", { maxPromptChars: "abc" }] } } };\n' });
    const r = cli(['lint', 'flow.json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('retell-kit: retell-kit.config.mjs: lint.rules.prompt-limits[1].maxPromptChars: expected a number, got "abc"');
    noStack(r.stderr);
  });

  it('accepts the same severity words in config and --rule (warn = warning)', () => {
    const dir = project({ 'retell-kit.config.json': JSON.stringify({ lint: { rules: { 'no-dead-end': 'warn' } } }) });
    const fromConfig = cli(['lint', 'flow.json', '-f', 'json'], { cwd: dir });
    const fromFlag = cli(['lint', 'flow.json', '-f', 'json', '--rule', 'no-dead-end:warn', '--config', 'retell-kit.config.json'], { cwd: dir });
    for (const r of [fromConfig, fromFlag]) {
      const ds = JSON.parse(r.stdout).results[0].diagnostics as { ruleId: string; severity: string }[];
      expect(ds.filter((d) => d.ruleId === 'no-dead-end').map((d) => d.severity)).toEqual(['warning']);
    }
    const bad = cli(['lint', 'flow.json', '--rule', 'no-dead-end:high'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('retell-kit: --rule "no-dead-end:high": expected a severity (off, error, warning, warn or info), got "high"');
  });

  it('rejects unknown keys and unknown rules in config', () => {
    const typo = cli(['lint', 'flow.json'], { cwd: project({ 'retell-kit.config.json': JSON.stringify({ lnt: {} }) }) });
    expect(typo.status).toBe(2);
    expect(typo.stderr.trim()).toBe('retell-kit: retell-kit.config.json: lnt: unknown key (remove it, or check the spelling)');
    const rule = cli(['lint', 'flow.json'], { cwd: project({ 'retell-kit.config.json': JSON.stringify({ lint: { rules: { 'no-trapp': 'off' } } }) }) });
    expect(rule.status).toBe(2);
    expect(rule.stderr.trim()).toBe('retell-kit: retell-kit.config.json: lint.rules.no-trapp: unknown rule (did you mean "no-trap"?)');
  });

  it('reports a config file that does not parse, exit 2', () => {
    const r = cli(['lint', 'flow.json'], { cwd: project({ 'retell-kit.config.json': '{ "lint": ' }) });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^retell-kit: retell-kit\.config\.json: 1:\d+: invalid JSON: /);
  });

  it('reports a missing --config file, exit 2', () => {
    const r = cli(['lint', 'flow.json', '--config', 'nope.json'], { cwd: project({}) });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('retell-kit: nope.json: config file not found (check the --config path)');
  });
});

describe('baseline', () => {
  it('records findings by identity and reports only new ones, through reformatting', () => {
    const dir = tempDir();
    const flowPath = path.join(dir, 'flow.json');
    const flow = JSON.parse(readFileSync(path.join(ROOT, DANGLING), 'utf8'));
    writeFileSync(flowPath, JSON.stringify(flow, null, 2));
    const write = cli(['lint', 'flow.json', '--baseline-write', '.retell-kit/baseline.json'], { cwd: dir });
    expect(write.status).toBe(0);
    expect(write.stderr).toMatch(/recorded \d+ findings? in \.retell-kit\/baseline\.json/);

    // Reformat and reorder: the nodes move to other lines, findings keep their identity.
    flow.nodes.reverse();
    writeFileSync(flowPath, JSON.stringify(flow));
    const same = cli(['lint', 'flow.json', '--baseline', '.retell-kit/baseline.json', '-f', 'json'], { cwd: dir });
    expect(same.status).toBe(0);
    expect(JSON.parse(same.stdout).summary).toMatchObject({ errors: 0, warnings: 0 });
    expect(same.stderr).toMatch(/findings? hidden by the baseline/);

    // A new defect is reported on its own.
    flow.nodes.push({ id: 'orphan_dead_end', type: 'conversation', instruction: { type: 'prompt', text: 'Say something helpful.' } });
    writeFileSync(flowPath, JSON.stringify(flow, null, 2));
    const fresh = cli(['lint', 'flow.json', '--baseline', '.retell-kit/baseline.json', '-f', 'json'], { cwd: dir });
    expect(fresh.status).toBe(1);
    const nodes = JSON.parse(fresh.stdout).results[0].diagnostics.map((d: { nodeId: string }) => d.nodeId);
    expect(new Set(nodes)).toEqual(new Set(['orphan_dead_end']));

    // SARIF keeps the baselined findings, marked suppressed, so code scanning does not close them as fixed.
    const sarif = cli(['lint', 'flow.json', '--baseline', '.retell-kit/baseline.json', '-f', 'sarif'], { cwd: dir });
    const results = JSON.parse(sarif.stdout).runs[0].results as { suppressions?: { kind: string }[]; properties: { nodeId?: string } }[];
    const active = results.filter((r) => !r.suppressions);
    expect(new Set(active.map((r) => r.properties.nodeId))).toEqual(new Set(['orphan_dead_end']));
    expect(results.length).toBeGreaterThan(active.length);
    expect(results.filter((r) => r.suppressions).every((r) => r.suppressions![0]!.kind === 'external')).toBe(true);
  });

  it('matches a flow without conversation_flow_id from any working directory, through reordering', () => {
    // A flow with no id, with findings on nodes, on a normal edge and on an else edge.
    const flow = () => ({
      start_node_id: 'greet',
      nodes: [
        {
          id: 'greet',
          type: 'conversation',
          instruction: { type: 'prompt', text: 'Greet the caller.' },
          edges: [
            { id: 'to_nowhere', destination_node_id: 'nowhere', transition_condition: { type: 'prompt', prompt: 'Caller wants to book a haircut' } },
            { id: 'to_check', destination_node_id: 'check', transition_condition: { type: 'prompt', prompt: 'Caller asks for opening hours' } },
          ],
          else_edge: { id: 'else_1', transition_condition: { type: 'prompt', prompt: 'Else' } },
        },
        { id: 'check', type: 'branch', edges: [{ id: 'open', destination_node_id: 'bye', transition_condition: { type: 'equation', operator: '&&', equations: [{ left: '{{is_open}}', operator: '==', right: 'true' }] } }] },
        { id: 'bye', type: 'end' },
        { id: 'loner', type: 'conversation', instruction: { type: 'prompt', text: 'Nobody comes here.' } },
      ],
    });
    const repo = tempDir();
    mkdirSync(path.join(repo, 'flows'));
    writeFileSync(path.join(repo, 'flows', 'shop.json'), JSON.stringify(flow(), null, 2));
    const write = cli(['lint', 'flows/shop.json', '--baseline-write', '.retell-kit/baseline.json'], { cwd: repo });
    expect(write.status).toBe(0);
    const baseline = JSON.parse(readFileSync(path.join(repo, '.retell-kit', 'baseline.json'), 'utf8')) as { entries: { flow: string; target?: string; count: number }[] };
    // Named by its path from the baseline's directory, not by the path lint printed.
    expect(new Set(baseline.entries.map((e) => e.flow))).toEqual(new Set(['../flows/shop.json#']));
    expect(baseline.entries.map((e) => e.target)).toContain('flow/node:greet/else');
    expect(baseline.entries.map((e) => e.target)).toContain('flow/node:greet/edge:to_nowhere');

    const lintFrom = (cwd: string, file: string, baselineFile: string) => {
      const r = cli(['lint', file, '--baseline', baselineFile, '-f', 'json'], { cwd });
      return { status: r.status, diagnostics: (JSON.parse(r.stdout) as { results: { diagnostics: { ruleId: string; nodeId: string | null }[] }[] }).results.flatMap((x) => x.diagnostics) };
    };
    // The same baseline from a subfolder, and from outside the repo (absolute paths).
    expect(lintFrom(path.join(repo, 'flows'), 'shop.json', '../.retell-kit/baseline.json')).toEqual({ status: 0, diagnostics: [] });
    expect(lintFrom(tempDir(), path.join(repo, 'flows', 'shop.json'), path.join(repo, '.retell-kit', 'baseline.json'))).toEqual({ status: 0, diagnostics: [] });

    // The next revision: nodes and edges reordered, the else edge's generated id changed.
    const next = flow();
    next.nodes.reverse();
    next.nodes.find((n) => n.id === 'greet')!.edges!.reverse();
    next.nodes.find((n) => n.id === 'greet')!.else_edge!.id = 'else_2';
    writeFileSync(path.join(repo, 'flows', 'shop.json'), JSON.stringify(next));
    expect(lintFrom(path.join(repo, 'flows'), 'shop.json', '../.retell-kit/baseline.json')).toEqual({ status: 0, diagnostics: [] });

    // The same flow in another file is another flow: its findings are all new.
    writeFileSync(path.join(repo, 'flows', 'copy.json'), JSON.stringify(flow()));
    const copy = lintFrom(path.join(repo, 'flows'), 'copy.json', '../.retell-kit/baseline.json');
    expect(copy.status).toBe(1);
    expect(copy.diagnostics.length).toBe(baseline.entries.reduce((n, e) => n + e.count, 0));
  });

  it('rejects a baseline that is not one, exit 2', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'b.json'), '{"hello": 1}');
    const r = cli(['lint', path.join(ROOT, VALID), '--baseline', 'b.json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('retell-kit: b.json: /version: not a retell-kit baseline (expected { "version": 1, "entries": [...] }) (recreate it with --baseline-write)');
  });
});

describe('pipes', () => {
  it('stops quietly when the reader closes the pipe early', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/retell-kit.js'), 'lint', '--list-rules'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
