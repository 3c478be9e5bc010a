// Round-trip every public Retell flow in ../shared/real-world (beside the repo) through the emulator
// and `pull`, with the built dist/: upload it, pull its agent twice, and fail when the second pull
// changes a byte, the pulled flow does not upload again, or lint finds anything other than what it
// finds in the original file. Flows the emulator refuses (keys the SDK types do not know) are listed.
// Usage: npm run check:real-world:pull   (RETELL_KIT_REAL_WORLD=/path overrides the folder)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const folder = path.resolve(repo, process.env.RETELL_KIT_REAL_WORLD ?? '../shared/real-world');
if (!existsSync(folder)) {
  console.log(`check:real-world:pull: skipped, no folder at ${folder}`);
  process.exit(0);
}
if (!existsSync(path.join(repo, 'dist/pull/index.js'))) {
  console.error('check:real-world:pull: dist/ is missing, run npm run build first');
  process.exit(2);
}
const { startEmulator } = await import(path.join(repo, 'dist/emulator/index.js'));
const { RetellClient } = await import(path.join(repo, 'dist/retell/client.js'));
const { pullAgent } = await import(path.join(repo, 'dist/pull/index.js'));

const ruleIds = (file) => {
  let out;
  try {
    out = execFileSync(process.execPath, [path.join(repo, 'bin/retell-kit.js'), 'lint', file, '-f', 'json'], { encoding: 'utf8' });
  } catch (error) {
    out = error.stdout;
  }
  return JSON.parse(out).results.flatMap((r) => r.diagnostics.map((d) => d.ruleId)).sort().join(',');
};

const emulator = await startEmulator({ port: 0 });
const client = new RetellClient({ apiKey: 'check', baseUrl: emulator.url });
let failed = 0;
let checked = 0;
try {
  for (const name of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
    let flow = JSON.parse(readFileSync(path.join(folder, name), 'utf8'));
    if (flow?.conversationFlow) flow = flow.conversationFlow;
    if (!Array.isArray(flow?.nodes)) continue;
    for (const key of ['conversation_flow_id', 'version', 'is_published', 'last_modification_timestamp']) delete flow[key];
    let created;
    try {
      created = await client.createConversationFlow(flow);
    } catch (error) {
      console.log(`refused  ${name}: ${error.message}`);
      continue;
    }
    const agent = await client.createAgent({ agent_name: name.slice(0, 40), voice_id: 'retell-Cimo', response_engine: { type: 'conversation-flow', conversation_flow_id: created.conversation_flow_id } });
    const out = mkdtempSync(path.join(tmpdir(), 'retell-kit-rw-pull-'));
    try {
      const first = await pullAgent(client, agent.agent_id, { outDir: out });
      const file = path.join(out, first.files[1]);
      const text = readFileSync(file, 'utf8');
      await pullAgent(client, agent.agent_id, { outDir: out });
      const problems = [];
      if (readFileSync(file, 'utf8') !== text) problems.push('a second pull changed the bytes');
      try {
        await client.createConversationFlow(JSON.parse(text));
      } catch (error) {
        problems.push(`the pulled flow does not upload again: ${error.message}`);
      }
      if (ruleIds(file) !== ruleIds(path.join(folder, name))) problems.push('lint finds something else in the pulled flow than in the original');
      checked++;
      if (problems.length) failed++;
      console.log(`${problems.length ? 'FAIL' : 'ok  '}     ${name}${first.secrets.length ? ` (${first.secrets.length} secret${first.secrets.length === 1 ? '' : 's'} to placeholders)` : ''}${problems.length ? `: ${problems.join('; ')}` : ''}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  await emulator.close();
}
console.log(`check:real-world:pull: ${checked} flows round-tripped, ${failed} failed`);
process.exit(failed ? 1 : 0);
