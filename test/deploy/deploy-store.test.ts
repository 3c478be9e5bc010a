import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeploy, gate, planDeploy, versionText } from '../../src/deploy/index.js';
import { Deployments } from '../../src/deploy/record.js';
import { EMULATOR_ROUTES, type RunningEmulator } from '../../src/emulator/index.js';
import { RetellClient } from '../../src/retell/client.js';
import { chooseStore, openStore } from '../../src/store/open.js';
import { emulatorWithSdk, KEY } from '../emulator/helpers.js';
import { freshDatabase } from '../helpers/pg.js';
import { newGreeting, project, run } from './deploy-helpers.js';

// The programmatic API (planDeploy, gate, applyDeploy) with the records in a real Postgres, and the
// CLI reading the same records; an API failure mid-deploy is one line and exit 2, and running again
// finishes the job.

let emulator: RunningEmulator;
let sdk: Retell;
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
  db = await freshDatabase('deploy');
});
afterAll(async () => {
  await emulator.close();
  await db.drop();
});

describe('deploy records in Postgres, through the API', () => {
  it('planDeploy -> gate -> applyDeploy leaves a canary record the CLI sees: a second deploy is refused', async () => {
    const p = await project(emulator, sdk, ['+14155550301']);
    newGreeting(p);
    const client = new RetellClient({ apiKey: KEY, baseUrl: emulator.url, maxRetries: 0 });
    const store = await openStore(chooseStore({ flag: db.url, base: p.dir }));
    try {
      const plan = await planDeploy(client, { folder: p.folder, cwd: p.dir, numbers: ['+14155550301'], store });
      expect(plan).toMatchObject({ agentId: p.agentId, stableVersion: 0, lintErrors: 0, numbers: ['+14155550301'], maxVersionBefore: 0 });
      expect(plan.diff.summary).toEqual({ breaking: 0, warning: 2, info: 0, total: 2 });
      expect(gate(plan)).toEqual({ warnings: [] });
      const text = versionText(plan, { cwd: p.dir, message: 'api deploy' });
      expect(text.title).toBe('api deploy');
      const steps: string[] = [];
      const result = await applyDeploy(client, store, plan, { canaryPercent: 5, ...text, onStep: (step) => steps.push(step) });
      expect(steps).toEqual(['planned', 'draft_created', 'draft_updated', 'published', 'verified', 'bound']);
      expect(result.deployment).toMatchObject({ state: 'canary', percent: 5, newVersion: 1, stableVersion: 0 });
      const stored = await new Deployments(store).get(result.deployment.id);
      expect(stored?.steps.map((s) => s.step)).toEqual(steps);
      expect(await new Deployments(store).active({ agentId: p.agentId })).toMatchObject({ id: result.deployment.id });
    } finally {
      await store.close();
    }
    const r = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550301', '--store', db.url], p.dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`a canary of ${p.agentId} is in progress (v1 at 5 %, canary;`);
    expect(r.stderr).not.toContain(new URL(db.url).password || 'never-matches');
  });

  it('a number PATCH that keeps failing is one line and exit 2; run again, the deploy finishes without a second draft', async () => {
    const p = await project(emulator, sdk, ['+14155550302']);
    newGreeting(p);
    emulator.faults.add({ endpoint: 'update-phone-number', status: 503, times: 3 }, EMULATOR_ROUTES);
    const failed = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550302', '--store', db.url], p.dir);
    emulator.faults.clear();
    expect(failed.status).toBe(2);
    expect(failed.stderr.split('\n').filter((l) => l.startsWith('retell-kit:'))).toEqual([
      'retell-kit: Retell API: 503 update phone number +14155550302: Internal server error (fault injected by the emulator) (Retell had trouble; retry in a minute)',
    ]);
    expect(failed.stderr).not.toContain('    at ');
    const again = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550302', '--store', db.url, '--format', 'json'], p.dir);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).deployment).toMatchObject({ state: 'promoted', newVersion: 1 });
    expect((await sdk.agent.listVersions(p.agentId)).items.map((v) => [v.version, v.is_published])).toEqual([[0, true], [1, true]]);
    expect((await sdk.phoneNumber.retrieve('+14155550302')).inbound_agents).toEqual([{ agent_id: p.agentId, agent_version: 1, weight: 1 }]);
  });
});
