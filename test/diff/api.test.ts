import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffAgents, diffFlows } from '../../src/diff/index.js';
import { condense, wordDiff } from '../../src/diff/words.js';
import { fixture } from '../helpers/cli.js';

const read = (name: string, side: 'a' | 'b') => JSON.parse(readFileSync(fixture('diff', name, `${side}.json`), 'utf8'));

describe('diff API', () => {
  it('diffFlows takes objects; a list response pairs flows by conversation_flow_id', () => {
    const a = read('edges', 'a');
    const other = { ...read('edges', 'a'), conversation_flow_id: 'conversation_flow_other' };
    const result = diffFlows({ items: [other, a] }, { items: [read('edges', 'b')] });
    expect(result.changes.filter((c) => c.kind === 'flow-removed').map((c) => c.message)).toEqual(['flow conversation_flow_other removed']);
    // The salon flow paired by id although it moved in the list: its edits are there, each naming the flow.
    const rewired = result.changes.filter((c) => c.kind === 'edge-rewired');
    expect(rewired.length).toBe(2);
    expect(rewired.every((c) => c.flow === 'conversation_flow_salon')).toBe(true);
    const added = diffFlows([a], [a, other]);
    expect(added.changes.map((c) => c.kind)).toEqual(['flow-added']);
  });

  it('a tool change names the handler from the config', () => {
    const result = diffFlows(read('tools', 'a'), read('tools', 'b'), { handlers: ['book_appointment'], lint: false });
    const removed = result.changes.find((c) => c.kind === 'tool-parameter-removed')!;
    expect(removed.notes).toEqual(['handler book_appointment']);
    expect(diffFlows(read('tools', 'a'), read('tools', 'b'), { lint: false }).changes.some((c) => c.notes)).toBe(false);
  });

  it('changes in unreachable nodes drop to info but keep their default severity', () => {
    const result = diffFlows(read('unreachable', 'a'), read('unreachable', 'b'));
    const rewired = result.changes.find((c) => c.kind === 'edge-rewired')!;
    expect(rewired).toMatchObject({ severity: 'info', defaultSeverity: 'breaking' });
  });

  it('a config override applies before the unreachable rule and off drops a kind', () => {
    const result = diffFlows(read('edges', 'a'), read('edges', 'b'), { severity: { 'condition-changed': 'off', 'edge-added': 'breaking' } });
    expect(result.changes.some((c) => c.kind === 'condition-changed')).toBe(false);
    expect(result.changes.find((c) => c.kind === 'edge-added')!.severity).toBe('breaking');
  });

  it('diffAgents compares settings and the flow inside the export; ids alone never differ', () => {
    const result = diffAgents(read('agent', 'a'), read('agent', 'b'), { lint: false });
    expect(result.changes.map((c) => c.field ?? c.kind)).not.toContain('version');
    expect(result.summary.total).toBe(10);
    expect(diffAgents(read('agent', 'a'), read('agent', 'a')).changes).toEqual([]);
  });

  it('a rename of an edge id on a one-of-a-kind edge is not a change (the dashboard regenerates them)', () => {
    const a = read('edges', 'a');
    const b = structuredClone(a);
    b.nodes.find((n: { id: string }) => n.id === 'check_vip').else_edge.id = 'else-new';
    expect(diffFlows(a, b).changes).toEqual([]);
  });

  it('a node reorder is no change even when lint reports a duplicate id on whichever holder comes second', () => {
    // Found on the real askproai v124 flow: the finding moved from one node to the other and showed as introduced + fixed.
    const a = read('edges', 'a');
    a.nodes.find((n: { id: string }) => n.id === 'book').edges[0].id = 'e-date';
    const b = structuredClone(a);
    b.nodes.reverse();
    expect(diffFlows(a, b).changes).toEqual([]);
    const fixed = structuredClone(a);
    fixed.nodes.find((n: { id: string }) => n.id === 'book').edges[0].id = 'e-booked';
    // A new id is a new edge (ids are the identity), and the duplicate is fixed.
    expect(diffFlows(a, fixed).changes.map((c) => `${c.kind} ${c.field ?? ''}`.trim())).toEqual(['edge-added', 'edge-removed', 'lint-finding-fixed no-duplicate-id']);
  });

  it('never shows a secret: header values, secret-named fields and MCP settings are hidden in every format', async () => {
    const { formatJson } = await import('../../src/diff/format/json.js');
    const { formatMarkdown } = await import('../../src/diff/format/markdown.js');
    const { formatText } = await import('../../src/diff/format/text.js');
    const a = read('tools', 'a');
    a.tools[0].headers = { Authorization: 'Bearer sk_live_old_0123456789', 'X-Env': 'prod' };
    a.mcps = [{ name: 'crm', url: 'https://mcp.example.com', headers: { 'X-Api-Key': 'mcp_secret_old_123' } }];
    const b = structuredClone(a);
    b.tools[0].headers = { Authorization: 'Bearer sk_live_new_9876543210', 'X-Env': 'prod', 'X-Tenant': 'salon' };
    b.mcps[0].headers['X-Api-Key'] = 'mcp_secret_new_456';
    b.tools[0].api_token = 'tok_new_secret';
    const result = diffFlows(a, b, { lint: false });
    for (const text of [formatText(result), formatJson(result), formatMarkdown(result)]) {
      for (const secret of ['sk_live_old', 'sk_live_new', 'mcp_secret_old', 'mcp_secret_new', 'tok_new_secret']) expect(text).not.toContain(secret);
    }
    expect(result.changes.map((c) => c.message)).toEqual(expect.arrayContaining(['tool "book_appointment": header "Authorization" changed (values hidden)', 'tool "book_appointment": header "X-Tenant" added']));
  });

  it('an edge without an id that only changed destination is one rewire, not a remove and an add', () => {
    const a = read('edges', 'a');
    for (const n of a.nodes) for (const e of n.edges ?? []) delete e.id;
    const b = structuredClone(a);
    b.nodes.find((n: { id: string }) => n.id === 'welcome').edges[0].destination_node_id = 'check_vip';
    const changes = diffFlows(a, b, { lint: false }).changes;
    expect(changes.map((c) => `${c.kind} ${c.message}`)).toEqual(['edge-rewired transition "Caller wants to book an appointment" now goes to "VIP?" (was "Ask for a date")']);
  });

  it('markdown stays under GitHub\'s comment limit and says what it left out', async () => {
    const { formatMarkdown } = await import('../../src/diff/format/markdown.js');
    const a = read('nodes', 'a');
    const b = structuredClone(a);
    for (let i = 0; i < 3000; i++) b.nodes.push({ id: `n${i}`, name: `Step ${i} of a very long generated flow`, type: 'conversation', instruction: { type: 'prompt', text: 'Ask.' } });
    const md = formatMarkdown(diffFlows(a, b, { lint: false }));
    expect(md.length).toBeLessThan(65_536);
    expect(md).toMatch(/_…and \d+ more changes in \d+ more sections: the full list is in `--format json` or `--format text`._/);
  });

  it('word diffs keep both texts and condense long unchanged runs', () => {
    const before = `${'word '.repeat(100)}old ending`;
    const after = `${'word '.repeat(100)}new ending`;
    const parts = wordDiff(before, after);
    expect(parts.filter((p) => p.op !== '+').map((p) => p.text).join('')).toBe(before);
    expect(parts.filter((p) => p.op !== '-').map((p) => p.text).join('')).toBe(after);
    const short = condense(parts).map((p) => p.text).join('');
    expect(short.length).toBeLessThan(120);
    expect(short.startsWith('… ')).toBe(true);
  });
});
