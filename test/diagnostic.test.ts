import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingKey, flowIdentity, type Diagnostic } from '../src/diagnostic.js';

const repo = path.resolve('/work/repo');
const base = { cwd: repo, root: path.join(repo, '.retell-kit') };

function finding(over: Partial<Diagnostic>): Diagnostic {
  return {
    ruleId: 'no-dead-end',
    severity: 'error',
    messageId: 'deadEnd',
    data: {},
    message: 'm',
    file: 'flows/a.json',
    pointer: '/nodes/3',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    docsUrl: 'https://example.com',
    ...over,
  };
}

describe('finding identity', () => {
  it('names a flow by its conversation_flow_id wherever its file is', () => {
    expect(flowIdentity({ file: 'flows/a.json', flowId: 'conversation_flow_1' }, base)).toBe('conversation_flow_1');
    expect(flowIdentity({ file: '/elsewhere/b.json', flowId: 'conversation_flow_1' }, base)).toBe('conversation_flow_1');
  });

  it('names an id-less flow by its path from the root, whatever the working directory', () => {
    const fromRoot = flowIdentity({ file: 'flows/a.json', flowId: '#/conversationFlow' }, base);
    const fromSub = flowIdentity({ file: 'a.json', flowId: '#/conversationFlow' }, { ...base, cwd: path.join(repo, 'flows') });
    const fromAbs = flowIdentity({ file: path.join(repo, 'flows', 'a.json'), flowId: '#/conversationFlow' }, { ...base, cwd: '/tmp' });
    expect(fromRoot).toBe('../flows/a.json#/conversationFlow');
    expect(fromSub).toBe(fromRoot);
    expect(fromAbs).toBe(fromRoot);
    expect(flowIdentity({ file: '<stdin>', flowId: '#' }, base)).toBe('<stdin>#');
  });

  it('ignores line, pointer and message; keeps rule, flow, target and subject apart', () => {
    const a = finding({ targetKey: 'flow/node:greet' });
    expect(findingKey({ ...a, line: 90, pointer: '/nodes/0', message: 'other words' }, base)).toBe(findingKey(a, base));
    for (const other of [{ ruleId: 'no-trap' }, { flowId: 'conversation_flow_2' }, { targetKey: 'flow/node:bye' }, { messageId: 'other' }, { file: 'flows/b.json' }]) {
      expect(findingKey({ ...a, ...other }, base)).not.toBe(findingKey(a, base));
    }
  });
});
