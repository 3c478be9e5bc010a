import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import validate from '../src/validators/schema/flow-validator.js';

const repo = path.resolve(import.meta.dirname, '..');
const OUTPUTS = ['schemas/conversation-flow.schema.json', 'src/validators/schema/flow-validator.js', 'src/validators/schema/flow-validator.d.ts'];

describe('generated flow schema', () => {
  let out: string;
  let run: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'retell-kit-schemas-'));
    run = spawnSync(process.execPath, [path.join(repo, 'scripts/gen-schemas.mjs'), '--out-dir', out], { encoding: 'utf8' });
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('regenerates without error', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  for (const file of OUTPUTS) {
    it(`committed ${file} is up to date (else run npm run gen:schemas)`, () => {
      const fresh = readFileSync(path.join(out, file), 'utf8');
      const committed = readFileSync(path.join(repo, file), 'utf8');
      // Compare sizes first: a diff of two 600 KB strings is unreadable in a failure.
      expect(committed.length).toBe(fresh.length);
      expect(committed === fresh).toBe(true);
    });
  }

  it('is built on the create body plus the keys GET responses add', () => {
    const schema = JSON.parse(readFileSync(path.join(repo, OUTPUTS[0]!), 'utf8'));
    const root = schema.definitions.ConversationFlowCreateParams;
    expect(root.required).toEqual(['model_choice', 'nodes', 'start_speaker']);
    for (const key of ['conversation_flow_id', 'version', 'last_modification_timestamp', 'is_published']) expect(root.properties).toHaveProperty(key);
    expect(root.required).not.toContain('version');
  });

  it('the committed validator accepts a flow and rejects a broken one', () => {
    const flow = {
      start_speaker: 'agent',
      model_choice: { type: 'cascading', model: 'gpt-4.1' },
      nodes: [{ id: 'a', type: 'end' }],
    };
    expect(validate(flow)).toBe(true);
    expect(validate({ ...flow, nodes: [{ id: 'a', type: 'stop' }] })).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toEqual(['discriminator']);
  });
});
