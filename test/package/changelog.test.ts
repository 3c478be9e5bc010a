import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

const script = path.join(ROOT, 'scripts/changelog-release.mjs');

describe('CHANGELOG and npm version', () => {
  it('npm version runs the tests first and turns [Unreleased] into the new version, dated, with links', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.preversion).toContain('npm test');
    expect(pkg.scripts.version).toBe('node scripts/changelog-release.mjs && git add CHANGELOG.md');

    const file = path.join(tempDir(), 'CHANGELOG.md');
    copyFileSync(path.join(ROOT, 'CHANGELOG.md'), file);
    const first = spawnSync(process.execPath, [script, file, '9.8.7', '2030-01-02'], { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^## \[Unreleased\]\n\n## \[9\.8\.7\] - 2030-01-02\n\n### Added\n/m);
    expect(text).toContain('[Unreleased]: https://github.com/retell-kit/retell-kit/compare/v9.8.7...HEAD\n[9.8.7]: https://github.com/retell-kit/retell-kit/releases/tag/v9.8.7');

    // Nothing written since: no release without entries.
    const again = spawnSync(process.execPath, [script, file, '9.8.8', '2030-01-03'], { encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('## [Unreleased] has no entries');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
