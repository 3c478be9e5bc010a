import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';

// CRLF line endings, 4-space and inline formatting, keys in a dashboard's order: --fix keeps all of it.
const FLOW = [
  '{',
  '    "start_speaker": "agent",',
  '    "model_choice": { "type": "cascading", "model": "gpt-4.1" },',
  '    "is_transfer_llm": false,',
  '    "start_node_id": "greet",',
  '    "nodes": [',
  '        { "id": "greet", "type": "branch",',
  '          "edges": [{ "id": "e1", "transition_condition": { "type": "equation", "operator": "&&", "equations": [{ "left": "plan", "operator": "=", "right": "gold" }] }, "destination_node_id": "bye" }],',
  '          "else_edge": { "id": "x", "transition_condition": { "type": "prompt", "prompt": "Else" }, "destination_node_id": "bye" } },',
  '        { "id": "bye", "type": "end" }',
  '    ]',
  '}',
  '',
].join('\r\n');

function project(text = FLOW, name = 'flow.json'): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('--fix and --fix-dry-run (mechanical fixes only)', () => {
  it('--fix-dry-run prints a unified diff and writes nothing', () => {
    const dir = project();
    const r = cli(['lint', 'flow.json', '--fix-dry-run'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(dir, 'flow.json'), 'utf8')).toBe(FLOW);
    const diff = r.stdout.replace(/\r/g, '');
    expect(diff).toContain('--- a/flow.json\n+++ b/flow.json\n@@ -1,11 +1,11 @@\n');
    expect(diff).toContain('-    "is_transfer_llm": false,\n+    "is_transfer_cf": false,\n');
    expect(diff).toContain('+          "edges": [{ "id": "e1", "transition_condition": { "type": "equation", "operator": "&&", "equations": [{ "left": "{{plan}}", "operator": "==", "right": "gold" }] }, "destination_node_id": "bye" }],');
    expect(r.stderr).toBe('retell-kit: --fix-dry-run: 3 fixes in 1 file (nothing written)\n');
  });

  it('--fix-dry-run names a file given by its absolute path as git does: a/ and b/ without a second slash', () => {
    const dir = project();
    const file = path.join(dir, 'flow.json');
    // From another folder the file is shown by its absolute path (inside the folder it is flow.json).
    const r = cli(['lint', file, '--fix-dry-run'], { cwd: tempDir() });
    expect(r.status).toBe(0);
    const name = file.replace(/^\/+/, '');
    expect(name).not.toBe(file);
    expect(r.stdout.replace(/\r/g, '')).toContain(`--- a/${name}\n+++ b/${name}\n@@ -1,11 +1,11 @@\n`);
  });

  it('--fix changes only those bytes: line endings, indentation and key order stay; then reports what is left', () => {
    const dir = project();
    const r = cli(['lint', 'flow.json', '--fix', '-f', 'json'], { cwd: dir });
    const after = readFileSync(path.join(dir, 'flow.json'), 'utf8');
    const expected = FLOW.replace('"is_transfer_llm"', '"is_transfer_cf"').replace('"left": "plan", "operator": "="', '"left": "{{plan}}", "operator": "=="');
    expect(after).toBe(expected);
    expect(r.stderr).toContain('retell-kit: applied 3 fixes in 1 file');
    const left = JSON.parse(r.stdout).results[0].diagnostics.map((d: { ruleId: string }) => d.ruleId);
    expect(left).not.toContain('equation-syntax');
    expect(left).not.toContain('retell-deprecation');
    // A second run has nothing left to fix.
    expect(cli(['lint', 'flow.json', '--fix-dry-run'], { cwd: dir }).stdout).toBe('');
  });

  it('never touches a file with parse errors, nor a YAML file', () => {
    const broken = `${FLOW.slice(0, -3)},\r\n}\r\n`;
    const dir = project(broken);
    const r = cli(['lint', 'flow.json', '--fix'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'flow.json'), 'utf8')).toBe(broken);
    expect(r.status).toBe(1);
    const yamlDir = project('start_speaker: agent\nmodel_choice: { type: cascading, model: gpt-4.1 }\nis_transfer_llm: false\nstart_node_id: bye\nnodes:\n  - { id: bye, type: end }\n', 'flow.yaml');
    const y = cli(['lint', 'flow.yaml', '--fix'], { cwd: yamlDir });
    expect(y.stderr).toContain('flow.yaml: not fixed: --fix edits JSON files only');
  });

  // Tools on conversation nodes moved to subagent nodes (Retell, 2026-04-18). A subagent is a
  // conversation node plus tools, but only with a prompt instruction: then the type is the one change.
  const TOOLS_ON_CONVERSATION = (instruction: string) =>
    [
      '{',
      '  "start_speaker": "agent",',
      '  "model_choice": { "type": "cascading", "model": "gpt-4.1" },',
      '  "start_node_id": "greet",',
      '  "tools": [{ "type": "custom", "tool_id": "tool_book", "name": "book", "description": "Book it", "url": "https://example.com/book" }],',
      '  "nodes": [',
      `    { "id": "greet", "type": "conversation", "instruction": ${instruction}, "tool_ids": ["tool_book"],`,
      '      "edges": [{ "id": "e1", "transition_condition": { "type": "prompt", "prompt": "Caller is done" }, "destination_node_id": "bye" }] },',
      '    { "id": "bye", "type": "end" }',
      '  ]',
      '}',
      '',
    ].join('\n');

  it('--fix makes a conversation node that carries tools a subagent node, once', () => {
    const before = TOOLS_ON_CONVERSATION('{ "type": "prompt", "text": "Greet the caller and offer to book." }');
    const dir = project(before);
    const dry = cli(['lint', 'flow.json', '--fix-dry-run'], { cwd: dir });
    expect(dry.stdout).toContain('-    { "id": "greet", "type": "conversation",');
    expect(dry.stdout).toContain('+    { "id": "greet", "type": "subagent",');
    expect(dry.stderr).toBe('retell-kit: --fix-dry-run: 1 fix in 1 file (nothing written)\n');
    const r = cli(['lint', 'flow.json', '--fix', '-f', 'json'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'flow.json'), 'utf8')).toBe(before.replace('"type": "conversation"', '"type": "subagent"'));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).results[0].diagnostics).toEqual([]);
    // Idempotent: nothing is left to fix, and the file stays as it is.
    const again = cli(['lint', 'flow.json', '--fix'], { cwd: dir });
    expect(again.stderr).not.toContain('applied');
    expect(readFileSync(path.join(dir, 'flow.json'), 'utf8')).toBe(before.replace('"type": "conversation"', '"type": "subagent"'));
  });

  it('leaves a conversation node with a static-text instruction alone: a subagent takes only a prompt', () => {
    const before = TOOLS_ON_CONVERSATION('{ "type": "static_text", "text": "Hello, how can I help?" }');
    const dir = project(before);
    const r = cli(['lint', 'flow.json', '--fix', '-f', 'json'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'flow.json'), 'utf8')).toBe(before);
    expect(r.stderr).not.toContain('applied');
    expect(JSON.parse(r.stdout).results[0].diagnostics.map((d: { messageId: string }) => d.messageId)).toContain('conversationTools');
  });

  it('refuses stdin, and --list-rules marks the fixable rules', () => {
    expect(cli(['lint', '-', '--fix'], { input: FLOW }).status).toBe(2);
    const rules = JSON.parse(cli(['lint', '--list-rules', '-f', 'json']).stdout) as { id: string; fixable: boolean }[];
    expect(rules.filter((r) => r.fixable).map((r) => r.id)).toEqual(['equation-syntax', 'retell-deprecation']);
    expect(cli(['lint', '--list-rules']).stdout).toMatch(/^equation-syntax +error +fix +Equation/m);
  });
});
