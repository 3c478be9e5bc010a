import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHtml } from '../../src/outcomes/format/html.js';
import { ReportBuilder } from '../../src/outcomes/report.js';
import { launchChromium } from '../helpers/chromium.js';
import { cli, tempDir } from '../helpers/cli.js';

// The HTML report written by the real binary, opened from a file:// URL in headless Debian chromium:
// the three charts render with a size, nothing is fetched, no console error; a screenshot is taken.
describe('report --format html in a real browser', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = tempDir('report-html-');
    file = path.join(dir, 'report.html');
    const r = cli(['report', 'fixtures/report/recordings', 'fixtures/report/calls', '--format', 'html', '--output', file]);
    expect(r.status).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one small self-contained file: no script, no external URL', () => {
    const html = readFileSync(file, 'utf8');
    expect(statSync(file).size).toBeLessThan(64 * 1024);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html.match(/(?:src|href)=/gi) ?? []).toEqual([]);
    expect(html).toContain("default-src 'none'");
  });

  it('renders the charts with a size, makes no request and logs no error; the screenshot is a PNG', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
      });
      page.on('pageerror', (err) => errors.push(err.message));
      const url = pathToFileURL(file).href;
      await page.goto(url);
      for (const id of ['chart-versions', 'chart-latency', 'chart-funnel']) {
        const box = await page.locator(`#${id}`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width, id).toBeGreaterThan(300);
        expect(box!.height, id).toBeGreaterThan(50);
        // Bars, not an empty frame: at least one drawn rect with a size.
        const bars = await page.locator(`#${id} rect.bar`).evaluateAll((rects) => rects.filter((r) => r.getBoundingClientRect().width > 0 && r.getBoundingClientRect().height > 0).length);
        expect(bars, id).toBeGreaterThan(0);
      }
      // Two versions in the time chart, each in its own colour.
      const fills = await page.locator('#chart-versions rect.bar').evaluateAll((rects) => [...new Set(rects.map((r) => r.getAttribute('fill')))]);
      expect(fills).toHaveLength(2);
      expect(await page.locator('h2', { hasText: 'Said it was done, but it was not (3)' }).count()).toBe(1);
      expect(requests.filter((u) => u !== url)).toEqual([]);
      expect(errors).toEqual([]);
      const shot = path.join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('formatHtml', () => {
  it('escapes what callers and agents said (a quote is never markup)', () => {
    const b = new ReportBuilder({ now: () => new Date(0) });
    b.add({
      callId: 'c1',
      call: {
        call_id: 'c1', agent_id: 'a', agent_version: 1, call_status: 'ended', start_timestamp: 1_700_000_000_000, duration_ms: 1000, disconnection_reason: 'agent_hangup',
        transcript_with_tool_calls: [{ role: 'agent', content: "You're booked for <img src=x onerror=alert(1)> today." }],
      },
    });
    const html = formatHtml(b.finish());
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('caps the claim table at 500 rows (the JSON lists all) so a big report stays a small page', () => {
    const b = new ReportBuilder({ now: () => new Date(0) });
    for (let i = 0; i < 600; i++) {
      b.add({
        callId: `c${i}`,
        call: {
          call_id: `c${i}`, agent_id: 'a', agent_version: 1, call_status: 'ended', start_timestamp: 1_700_000_000_000 + i * 60_000, duration_ms: 1000, disconnection_reason: 'agent_hangup',
          transcript_with_tool_calls: [{ role: 'agent', content: "You're all set for Monday." }],
        },
      });
    }
    const report = b.finish();
    expect(report.unfulfilledClaims).toHaveLength(600);
    const html = formatHtml(report);
    expect(html.match(/<tr><td><code>c\d+<\/code>/g)).toHaveLength(500);
    expect(html).toContain('… and 100 more (--format json lists every one)');
    expect(Buffer.byteLength(html)).toBeLessThan(200 * 1024);
  });

  it('an empty report is still a page', () => {
    const html = formatHtml(new ReportBuilder({ now: () => new Date(0) }).finish());
    expect(html).toContain('no calls');
    expect(html).toContain('<svg id="chart-versions"');
  });
});
