import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, tempDir } from '../helpers/cli.js';

// The real binary (dist/ from npm run build) on the fixture pairs: exit codes, formats, config, --git.
const pair = (name: string) => [fixture('diff', name, 'a.json'), fixture('diff', name, 'b.json')];

describe('retell-kit diff (binary)', () => {
  it('a canvas move and node reorder exits 0 with "No changes."', () => {
    const r = cli(['diff', ...pair('canvas-noise')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No changes.');
  });

  it('--fail-on sets the threshold: any (default) fails on info, warning and breaking do not', () => {
    expect(cli(['diff', ...pair('unreachable')]).status).toBe(1);
    expect(cli(['diff', ...pair('unreachable'), '--fail-on', 'warning']).status).toBe(0);
    const r = cli(['diff', ...pair('edges'), '--fail-on', 'breaking']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/breaking edge-rewired +transition "Caller wants to book an appointment" now goes to "VIP\?" \(was "Ask for a date"\)/);
  });

  it('--format json and markdown', () => {
    const json = JSON.parse(cli(['diff', ...pair('tools'), '--format', 'json']).stdout);
    expect(json.version).toBe(1);
    expect(json.summary).toMatchObject({ breaking: 7, total: json.changes.length });
    expect(json.changes.map((c: { kind: string }) => c.kind)).toContain('tool-parameter-removed');
    const md = cli(['diff', ...pair('nodes'), '--format', 'markdown']).stdout;
    expect(md).toContain('<details open><summary>node "Book" (book): 1 breaking</summary>');
  });

  it('trouble is one line and exit 2, never "no changes"', () => {
    const missing = cli(['diff', fixture('diff', 'nodes', 'a.json'), 'nope.json']);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe('retell-kit: nope.json: no such file or folder (diff takes a flow file, an agent export or a pull folder)\n');

    const dir = tempDir();
    writeFileSync(path.join(dir, 'broken.json'), '{"nodes": [');
    const broken = cli(['diff', 'broken.json', fixture('diff', 'nodes', 'a.json')], { cwd: dir });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^retell-kit: broken\.json: not valid JSON at line 1: .*\n$/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);

    expect(cli(['diff', fixture('diff', 'nodes', 'a.json')]).status).toBe(2);
    const level = cli(['diff', ...pair('nodes'), '--fail-on', 'error']);
    expect(level.status).toBe(2);
    expect(level.stderr).toContain('--fail-on "error" is not a level (use breaking, warning, any)');
  });

  it('diff.severity in the config moves a kind, off drops it, and an unknown kind is refused', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'retell-kit.config.json'), JSON.stringify({ diff: { severity: { 'edge-rewired': 'info', 'edge-removed': 'off' }, failOn: 'breaking' } }));
    const r = cli(['diff', ...pair('edges')], { cwd: dir });
    expect(r.stdout).toMatch(/info +edge-rewired/);
    expect(r.stdout).not.toContain('edge-removed');
    expect(r.status).toBe(0); // failOn breaking from the config, and nothing breaking is left
    writeFileSync(path.join(dir, 'retell-kit.config.json'), JSON.stringify({ diff: { severity: { 'edge-moved': 'info' } } }));
    const bad = cli(['diff', ...pair('edges')], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('edge-moved');
    expect(bad.stderr).toContain('not a change kind');
  });

  it('a pull folder (agent.json + conversation-flow.json) is one side: agent settings and flow', () => {
    const dir = tempDir();
    for (const [side, file] of [['a', 'a.json'], ['b', 'b.json']] as const) {
      const exported = JSON.parse(readFileSync(fixture('diff', 'agent', file), 'utf8'));
      const { conversationFlow, ...agent } = exported;
      mkdirSync(path.join(dir, side));
      writeFileSync(path.join(dir, side, 'agent.json'), JSON.stringify(agent, null, 2));
      writeFileSync(path.join(dir, side, 'conversation-flow.json'), JSON.stringify(conversationFlow, null, 2));
    }
    const r = cli(['diff', 'a', 'b'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/breaking agent-webhook-changed/);
    expect(r.stdout).toMatch(/warning +global-prompt-changed/);
    const empty = cli(['diff', 'a', tempDir()], { cwd: dir });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('is a folder without agent.json or conversation-flow.json');
  });

  it('--usage: changes on nodes and tools no recorded call used drop a level, used ones are hot', () => {
    const dir = tempDir();
    const call = {
      call_id: 'call_usage_1',
      call_status: 'ended',
      agent_id: 'agent_salon',
      transcript_with_tool_calls: [
        { role: 'node_transition', former_node_id: 'welcome', new_node_id: 'ask_date' },
        { role: 'node_transition', former_node_id: 'ask_date', new_node_id: 'check_vip' },
        { role: 'node_transition', former_node_id: 'check_vip', new_node_id: 'book' },
        { role: 'tool_call_invocation', tool_call_id: 't1', name: 'book_appointment', arguments: '{"service":"haircut","date":"2026-12-01"}' },
        { role: 'tool_call_result', tool_call_id: 't1', content: '{"booked":true}' },
      ],
    };
    mkdirSync(path.join(dir, 'calls'));
    writeFileSync(path.join(dir, 'calls', 'call_usage_1.json'), JSON.stringify(call));
    const tools = JSON.parse(cli(['diff', ...pair('tools'), '--usage', 'calls', '--format', 'json'], { cwd: dir }).stdout);
    expect(tools.usage).toEqual({ calls: 1, callsWithNodes: 1, nodes: 4, tools: 1 });
    const removed = tools.changes.find((c: { kind: string }) => c.kind === 'tool-removed');
    expect(removed).toMatchObject({ tool: 'lookup_customer', severity: 'warning', defaultSeverity: 'breaking' });
    const argument = tools.changes.find((c: { kind: string }) => c.kind === 'tool-parameter-removed');
    expect(argument).toMatchObject({ tool: 'book_appointment', severity: 'breaking', hot: true });
    // Nodes: the edited FAQ node no call went through drops to info; the rewired Book node is hot.
    const nodes = cli(['diff', ...pair('nodes'), '--usage', 'calls'], { cwd: dir }).stdout;
    expect(nodes).toContain('usage: 1 recorded calls (1 with node transitions) used 4 nodes and 1 tools');
    expect(nodes).toMatch(/^\* breaking edge-rewired .*\(hot: 1 recorded call used it\)$/m);
    expect(nodes).toMatch(/^ {2}info +node-instruction-changed .*no recorded call used it: warning lowered to info/m);
    const bad = cli(['diff', ...pair('nodes'), '--usage', 'nope/'], { cwd: dir });
    expect(bad.status).toBe(2);
  });

  it('folders of flows and pull folders: each path with its other version; --git on a folder', () => {
    const repo = tempDir();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    git('init', '-q');
    mkdirSync(path.join(repo, 'flows', 'salon'), { recursive: true });
    copyFileSync(fixture('diff', 'edges', 'a.json'), path.join(repo, 'flows', 'booking.json'));
    copyFileSync(fixture('diff', 'tools', 'a.json'), path.join(repo, 'flows', 'old.json'));
    const { conversationFlow, ...agent } = JSON.parse(readFileSync(fixture('diff', 'agent', 'a.json'), 'utf8'));
    writeFileSync(path.join(repo, 'flows', 'salon', 'agent.json'), JSON.stringify(agent));
    writeFileSync(path.join(repo, 'flows', 'salon', 'conversation-flow.json'), JSON.stringify(conversationFlow));
    git('add', '.');
    git('commit', '-q', '-m', 'v1');
    expect(cli(['diff', '--git', 'HEAD', 'flows'], { cwd: repo }).status).toBe(0);
    copyFileSync(fixture('diff', 'edges', 'b.json'), path.join(repo, 'flows', 'booking.json'));
    execFileSync('git', ['rm', '-q', 'flows/old.json'], { cwd: repo });
    copyFileSync(fixture('diff', 'tools', 'b.json'), path.join(repo, 'flows', 'new.json'));
    writeFileSync(path.join(repo, 'flows', 'salon', 'agent.json'), JSON.stringify({ ...agent, language: 'de-DE' }));
    const r = cli(['diff', '--git', 'HEAD', 'flows/', '--format', 'json', '--no-lint'], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const changes = JSON.parse(r.stdout).changes.map((c: { flow: string; kind: string }) => `${c.flow} ${c.kind}`);
    expect(changes).toEqual(expect.arrayContaining(['booking.json edge-rewired', 'new.json flow-added', 'old.json flow-removed', 'salon agent-language-changed']));
    expect(changes.filter((c: string) => c.startsWith('salon')).length).toBe(1);
    // Two folders on disk work the same way; an empty folder is trouble, not "no changes".
    expect(cli(['diff', 'flows', 'flows'], { cwd: repo }).status).toBe(0);
    mkdirSync(path.join(repo, 'empty'));
    const empty = cli(['diff', 'flows', 'empty'], { cwd: repo });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('empty: holds no flow file');
  });

  it('--git <rev> compares a file and a pull folder with themselves at a revision', () => {
    const repo = tempDir();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    git('init', '-q');
    mkdirSync(path.join(repo, 'flows'));
    copyFileSync(fixture('diff', 'edges', 'a.json'), path.join(repo, 'flows', 'booking.json'));
    git('add', '.');
    git('commit', '-q', '-m', 'v1');
    copyFileSync(fixture('diff', 'edges', 'b.json'), path.join(repo, 'flows', 'booking.json'));
    const r = cli(['diff', '--git', 'HEAD', 'flows/booking.json'], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('a: flows/booking.json@HEAD');
    expect(r.stdout).toMatch(/edge-rewired/);
    // From a subfolder the path is still found at the revision.
    expect(cli(['diff', '--git', 'HEAD', 'booking.json'], { cwd: path.join(repo, 'flows') }).status).toBe(1);
    const unknown = cli(['diff', '--git', 'no-such-rev', 'flows/booking.json'], { cwd: repo });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('did not exist at no-such-rev');
    git('add', '.');
    git('commit', '-q', '-m', 'v2');
    expect(cli(['diff', '--git', 'HEAD', 'flows/booking.json'], { cwd: repo }).status).toBe(0);

    const folder = path.join(repo, 'agents', 'salon');
    mkdirSync(folder, { recursive: true });
    const write = (file: string) => {
      const { conversationFlow, ...agent } = JSON.parse(readFileSync(fixture('diff', 'agent', file), 'utf8'));
      writeFileSync(path.join(folder, 'agent.json'), JSON.stringify(agent, null, 2));
      writeFileSync(path.join(folder, 'conversation-flow.json'), JSON.stringify(conversationFlow, null, 2));
    };
    write('a.json');
    git('add', '.');
    git('commit', '-q', '-m', 'agent v1');
    write('b.json');
    const agent = cli(['diff', '--git', 'HEAD', 'agents/salon', '--format', 'json'], { cwd: repo });
    expect(agent.status).toBe(1);
    const kinds = JSON.parse(agent.stdout).changes.map((c: { kind: string }) => c.kind);
    expect(kinds).toEqual(expect.arrayContaining(['agent-language-changed', 'global-prompt-changed', 'agent-analysis-field-removed']));
  });
});
