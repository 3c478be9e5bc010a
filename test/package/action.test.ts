import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, tempDir } from '../helpers/cli.js';

// action.yml, the composite GitHub Action: its shell steps run here for real with bash, with the
// environment a runner gives them (RUNNER_TEMP, GITHUB_ENV, GITHUB_OUTPUT); the lint step runs the
// built binary. Only the install step's npm is a stand-in that records its arguments (no registry).
interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: Step[] };
};
const steps = action.runs.steps;
const step = (name: string) => steps.find((s) => s.name === name)!;

function runStep(s: Step, env: Record<string, string>, cwd = ROOT) {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', s.run!], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return r;
}

function outputs(file: string): Record<string, string> {
  return Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

describe('action.yml', () => {
  it('is a composite action whose every input reaches the shell through env, never pasted into a script', () => {
    expect(action.runs.using).toBe('composite');
    for (const s of steps) if (s.run) expect(s.run, s.name).not.toContain('${{');
    expect(action.inputs.files!.required).toBe(true);
    expect(step('Upload SARIF to code scanning').uses).toBe('github/codeql-action/upload-sarif@v4');
    expect(step('Upload SARIF to code scanning').with!.sarif_file).toBe('${{ inputs.sarif-file }}');
  });

  it('installs the version of the action itself (its package.json), lint-only, unless told another', () => {
    const dir = tempDir('retell-kit-action-');
    const bin = path.join(dir, 'fakebin');
    mkdirSync(bin);
    const log = path.join(dir, 'npm-args');
    writeFileSync(path.join(bin, 'npm'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > ${JSON.stringify(log)}\n`);
    chmodSync(path.join(bin, 'npm'), 0o755);
    const githubEnv = path.join(dir, 'env');
    writeFileSync(githubEnv, '');
    const install = step('Install retell-kit');
    const env = { PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_ENV: githubEnv, RETELL_KIT_ACTION_PATH: ROOT, RETELL_KIT_VERSION: '' };
    const r = runStep(install, env);
    expect(r.status, r.stderr).toBe(0);
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const args = readFileSync(log, 'utf8').trim().split('\n');
    expect(args).toEqual(['install', '--prefix', path.join(dir, 'retell-kit'), '--no-save', '--no-audit', '--no-fund', '--omit=optional', `retell-kit@${version}`]);
    expect(readFileSync(githubEnv, 'utf8')).toBe(`RETELL_KIT_BIN=${path.join(dir, 'retell-kit/node_modules/.bin/retell-kit')}\n`);
    expect(Object.keys(install.env!)).toEqual(['RETELL_KIT_VERSION', 'RETELL_KIT_ACTION_PATH']);

    expect(runStep(install, { ...env, RETELL_KIT_VERSION: '9.9.9' }).status).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n').pop()).toBe('retell-kit@9.9.9');
  });

  it('lint step: annotations on stdout, SARIF written, exit code as an output; findings do not stop the upload, usage trouble does', () => {
    const dir = tempDir('retell-kit-action-');
    const lint = step('Lint flows');
    const run = (files: string, args = '') => {
      const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
      writeFileSync(out, '');
      const sarif = path.join(dir, `${path.basename(out)}.sarif`);
      const r = runStep(lint, { RETELL_KIT_BIN: path.join(ROOT, 'bin/retell-kit.js'), RETELL_KIT_FILES: files, RETELL_KIT_ARGS: args, RETELL_KIT_SARIF: sarif, GITHUB_OUTPUT: out, CI: 'true' });
      return { ...r, outputs: outputs(out), sarif };
    };

    const found = run('fixtures/flows/invalid\n"fixtures/flows/valid/*.json"'.replace(/"/g, ''), '--max-warnings 100');
    expect(found.status, found.stderr).toBe(0);
    expect(found.outputs['exit-code']).toBe('1');
    expect(found.stdout).toMatch(/^::error file=fixtures\/flows\/invalid\/.+,line=\d+/m);
    expect(JSON.parse(readFileSync(found.sarif, 'utf8')).runs[0].results.length).toBeGreaterThan(0);
    // The upload runs after findings, and the last step fails the job.
    expect(step('Upload SARIF to code scanning').if).toContain("steps.lint.outputs.exit-code != '2'");
    expect(step('Fail on lint findings').if).toBe("steps.lint.outputs.exit-code == '1'");

    const clean = run('fixtures/flows/valid');
    expect(clean.status).toBe(0);
    expect(clean.outputs['exit-code']).toBe('0');
    expect(existsSync(clean.sarif)).toBe(true);

    const missing = run('no/such/folder');
    expect(missing.status).toBe(2);
    expect(missing.outputs['exit-code']).toBe('2');
    expect(missing.stderr).toContain('no/such/folder');
  });
});
