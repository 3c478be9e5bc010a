// Microsoft's SARIF validator (@microsoft/sarif-multitool, a devDependency that ships its Linux
// binary in @microsoft/sarif-multitool-linux), run the way GitHub's docs suggest: its default rules
// (kind Sarif) and the GitHub Advanced Security ingestion rules (kind Gh), both in one run
// (`--rule-kind "Sarif;Gh"`: one .NET start-up instead of two). Used by the test suite and by
// check:real-world. As a script: node scripts/sarif-validate.mjs file.sarif... (exit 1 on any
// error or warning, printing them).
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The validator's binary, made executable if npm left it without the bit; undefined where none ships. */
export function multitoolPath() {
  const pkg = `@microsoft/sarif-multitool-${process.platform}`;
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
  const bin = path.join(dir, process.platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    // The package's postinstall (chmod u+x) does not run where install scripts are not allowed.
    chmodSync(bin, statSync(bin).mode | 0o755);
  }
  return bin;
}

/**
 * Validate SARIF files; returns the validator's errors and warnings (notes too with `notes: true`),
 * each as { ruleId, level, file, text }: SARIFnnnn ids are the default rules', GHnnnn GitHub's.
 * ruleKinds: which rule sets to run, both by default.
 */
export function validateSarif(files, { ruleKinds = ['Sarif', 'Gh'], notes = false } = {}) {
  const bin = multitoolPath();
  if (!bin) throw new Error(`@microsoft/sarif-multitool has no binary for ${process.platform}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-sarif-'));
  const out = path.join(dir, 'validation.sarif');
  try {
    // SARIF2006 (every URI reachable by HTTP GET) needs the network: tests run without one, and the
    // links point at the repository's docs, which a test of its own derives from package.json.
    const policy = path.join(dir, 'policy.xml');
    writeFileSync(policy, '<?xml version="1.0" encoding="utf-8" ?>\n<Properties>\n  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">\n    <Property Key="RuleEnabled" Value="Disabled" />\n  </Properties>\n</Properties>\n');
    const args = ['validate', '--config', policy, ...files, '--level', notes ? 'Error;Warning;Note' : 'Error;Warning', '--output', out, '--log', 'ForceOverwrite'];
    args.push('--rule-kind', ruleKinds.join(';'));
    // .NET needs ICU for culture data unless told to run invariant; CI images often lack libicu.
    const run = spawnSync(bin, args, {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`sarif-multitool validate exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ')}`);
    const log = JSON.parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, ''));
    const run0 = log.runs[0];
    const messages = new Map((run0.tool.driver.rules ?? []).map((r) => [r.id, r.messageStrings ?? {}]));
    return (run0.results ?? []).map((r) => {
      const template = messages.get(r.ruleId)?.[r.message.id]?.text ?? r.message.text ?? '';
      const text = template.replace(/\{(\d+)\}/g, (_, i) => r.message.arguments?.[Number(i)] ?? '');
      const file = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      return { ruleId: r.ruleId, level: r.level ?? 'warning', file, text };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node scripts/sarif-validate.mjs file.sarif...');
    process.exit(2);
  }
  const findings = validateSarif(files);
  console.log(`sarif-multitool validate --rule-kind "Sarif;Gh": ${findings.length} errors and warnings`);
  for (const f of findings) console.log(`  ${f.level} ${f.ruleId} ${f.file}: ${f.text}`);
  process.exit(findings.length ? 1 : 0);
}
