import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/report/index.js';
import { planOutputs } from '../../src/report/outputs.js';
import { renderRuleList } from '../../src/report/rule-list.js';
import { listRules } from '../../src/validators/engine.js';
import { cli } from '../helpers/cli.js';

describe('planOutputs', () => {
  it('pairs formats with files: one -o for one format, format=path for each', () => {
    expect(planOutputs([], [])).toEqual([{ format: 'stylish', file: undefined }]);
    expect(planOutputs(['json'], ['out.json'])).toEqual([{ format: 'json', file: 'out.json' }]);
    expect(planOutputs([], ['sarif=a.sarif'])).toEqual([{ format: 'sarif', file: 'a.sarif' }]);
    expect(planOutputs(['github'], ['json=r.json', 'junit=j.xml'])).toEqual([
      { format: 'github', file: undefined },
      { format: 'json', file: 'r.json' },
      { format: 'junit', file: 'j.xml' },
    ]);
  });

  it('accepts every format of the one list in format=path', () => {
    for (const name of FORMAT_NAMES) expect(planOutputs([], [`${name}=x`])).toEqual([{ format: name, file: 'x' }]);
  });

  it('refuses unknown formats, ambiguous files and two formats on stdout', () => {
    expect(() => planOutputs(['sarf'], [])).toThrow('unknown format "sarf"');
    expect(() => planOutputs(['json', 'sarif'], ['out'])).toThrow('--output-file "out" is ambiguous with 2 formats');
    expect(() => planOutputs(['json', 'sarif'], [])).toThrow('several formats would share stdout');
  });
});

describe('the format list exists once', () => {
  it('--help names exactly FORMAT_NAMES', () => {
    const help = cli(['lint', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`${FORMAT_NAMES.join(' | ')} (repeatable)`);
  });
});

describe('renderRuleList', () => {
  it('lists every rule but internal-error, as a table or as JSON', () => {
    const ids = listRules().map((r) => r.id).filter((id) => id !== 'internal-error');
    const text = renderRuleList(listRules(), 'text');
    expect(text.trimEnd().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(ids);
    expect(text).toMatch(/^no-trap +error +From every reachable node/m);
    const json = JSON.parse(renderRuleList(listRules(), 'json')) as { id: string; defaultSeverity: string }[];
    expect(json.map((r) => r.id)).toEqual(ids);
    expect(json.find((r) => r.id === 'not-a-flow')?.defaultSeverity).toBe('info');
  });
});
