import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import validate from '../src/validators/schema/flow-validator.js';
import validateRecording from '../src/retell/recording-validator.js';

const repo = path.resolve(import.meta.dirname, '..');
const OUTPUTS = [
  'schemas/conversation-flow.schema.json',
  'src/validators/schema/flow-validator.js',
  'src/validators/schema/flow-validator.d.ts',
  'src/retell/recording-validator.js',
  'src/retell/recording-validator.d.ts',
  'schemas/retell-api.schema.json',
  'src/emulator/api-validator.js',
  'src/emulator/api-validator.d.ts',
];

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

describe('precompiled recording validator', () => {
  it('holds no require() of ajv, so reading a recording works without ajv installed', () => {
    expect(readFileSync(path.join(repo, 'src/retell/recording-validator.js'), 'utf8')).not.toMatch(/require\(|from ['"]ajv/);
  });

  it('accepts a recording and rejects a broken one, date-times included', () => {
    const recording = { version: 1, callId: 'c', recordedAt: '2026-03-16T10:04:12.481Z', call: {}, events: [], functionCalls: [] };
    expect(validateRecording(recording)).toBe(true);
    expect(validateRecording({ ...recording, recordedAt: '16/03/2026' })).toBe(false);
    expect(validateRecording.errors?.map((e) => [e.keyword, e.instancePath])).toEqual([['format', '/recordedAt']]);
    // minLength counts characters, not UTF-16 units: one emoji is one character.
    expect(validateRecording({ ...recording, callId: '' })).toBe(false);
    expect(validateRecording({ ...recording, callId: '📞' })).toBe(true);
  });
});
