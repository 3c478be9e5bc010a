import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, mayHaveConfig } from '../../src/config/load.js';

// mayHaveConfig lets lint skip cosmiconfig; it may say true too often, never false when cosmiconfig
// would find a config. Each case is checked against cosmiconfig itself.
const base = mkdtempSync(path.join(os.tmpdir(), 'retell-kit-config-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
function tree(files: Record<string, string>): string {
  const root = path.join(base, `case-${n++}`);
  mkdirSync(path.join(root, 'project', 'flows', 'deep'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return path.join(root, 'project', 'flows', 'deep');
}

async function cosmiconfigFinds(cwd: string): Promise<boolean> {
  const places = ['package.json', '.retell-kitrc', '.retell-kitrc.json', 'retell-kit.config.json', 'retell-kit.config.yaml', 'retell-kit.config.mjs'];
  return (await cosmiconfig('retell-kit', { searchStrategy: 'project', searchPlaces: places }).search(cwd)) !== null;
}

describe('mayHaveConfig', () => {
  const cases: { name: string; files: Record<string, string>; expected: boolean }[] = [
    { name: 'a project without config', files: { 'project/package.json': '{"name":"x"}' }, expected: false },
    { name: 'retell-kit.config.json at the project root', files: { 'project/package.json': '{}', 'project/retell-kit.config.json': '{}' }, expected: true },
    { name: 'an rc file in the current folder', files: { 'project/package.json': '{}', 'project/flows/deep/.retell-kitrc': 'lint: {}' }, expected: true },
    { name: 'a retell-kit key in package.json', files: { 'project/package.json': '{"retell-kit":{"lint":{}}}' }, expected: true },
    { name: 'a config above the project root (cosmiconfig stops at package.json)', files: { 'project/package.json': '{}', 'retell-kit.config.json': '{}' }, expected: false },
    { name: 'a package.json that does not parse', files: { 'project/package.json': '{' }, expected: true },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const cwd = tree(c.files);
      expect(mayHaveConfig(cwd)).toBe(c.expected);
      if (!c.expected) expect(await cosmiconfigFinds(cwd)).toBe(false);
    });
  }

  // Names are asked for as cosmiconfig asks for them: other capitals count exactly where the file
  // system finds them under the lower-case name (macOS, Windows), and cosmiconfig then finds them too.
  it('a config file with other capitals: the same answer as cosmiconfig on this file system', async () => {
    const cwd = tree({ 'project/package.json': '{}', 'project/Retell-Kit.config.json': '{}' });
    const finds = await cosmiconfig('retell-kit', { searchStrategy: 'project', searchPlaces: ['package.json', 'retell-kit.config.json'] }).search(cwd);
    expect(mayHaveConfig(cwd)).toBe(finds !== null);
  });

  it('package.yaml, a .config folder in the current folder and an unreadable folder leave the answer to cosmiconfig', () => {
    expect(mayHaveConfig(tree({ 'project/package.json': '{}', 'project/package.yaml': 'name: x' }))).toBe(true);
    expect(mayHaveConfig(tree({ 'project/package.json': '{}', 'project/flows/deep/.config/retell-kitrc': 'lint: {}' }))).toBe(true);
    const cwd = tree({ 'project/package.json': '{}' });
    // A symlink loop (ELOOP) stands in for a folder we cannot read (tests may run as root, which reads every folder).
    symlinkSync('loop', path.join(cwd, 'loop'));
    expect(mayHaveConfig(path.join(cwd, 'loop', 'flows'))).toBe(true);
    // A path through a file is no entry on every Node (Node 24 says so itself, Node 20 throws ENOTDIR).
    expect(mayHaveConfig(path.join(cwd, '..', '..', 'package.json', 'x'))).toBe(false);
  });

  it('loadConfig still finds and validates a config after the pre-check', async () => {
    const cwd = tree({ 'project/package.json': '{}', 'project/retell-kit.config.json': '{"lint":{"rules":{"no-dead-end":"warning"}}}' });
    const loaded = await loadConfig({ cwd });
    expect(loaded.config.lint?.rules).toEqual({ 'no-dead-end': 'warning' });
    expect(loaded.filepath).toMatch(/retell-kit\.config\.json$/);
    expect(await loadConfig({ cwd: tree({ 'project/package.json': '{}' }) })).toEqual({ config: {} });
  });
});
