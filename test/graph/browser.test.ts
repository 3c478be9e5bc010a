import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFile, renderGraph, type GraphModel } from '../../src/graph/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { ROOT, tempDir } from '../helpers/cli.js';

// The SVG and the HTML page opened in a real headless Chromium (Debian's, offline): every node is drawn
// with a size, nothing is fetched, nothing is logged as an error, and a screenshot is a real PNG.
let browser: Browser;
let model: GraphModel;
const dir = tempDir('retell-kit-graph-browser-');

beforeAll(async () => {
  browser = await launchChromium();
  model = await graphFile('fixtures/graph/salon-flow.json', { cwd: ROOT, coverage: ['fixtures/graph/calls'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Opens a file and records every request other than the file itself, and every console error. */
async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, errors };
}

async function expectEveryNodeDrawn(page: Page): Promise<void> {
  const ids = [...model.nodes.map((n) => n.safeId), ...model.pseudo.map((p) => p.safeId)];
  for (const id of ids) {
    const box = await page.locator(`g#${id}`).boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.width, id).toBeGreaterThan(0);
    expect(box!.height, id).toBeGreaterThan(0);
  }
}

async function expectPng(page: Page, name: string, fullPage: boolean): Promise<void> {
  const file = path.join(dir, name);
  // A full-page screenshot of a bare SVG document never settles in Chromium: the viewport is enough there.
  await page.screenshot({ path: file, fullPage });
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(statSync(file).size).toBeGreaterThan(5_000);
}

describe('graph in a browser', () => {
  it('the SVG parses as strict XML and holds every node by id, its flow id in the tooltip', async () => {
    const svg = await renderGraph(model, 'svg');
    const page = await browser.newPage();
    const found = await page.evaluate((text) => {
      // The browser's strict XML parser (the test's tsconfig has no DOM types: the shapes used are declared here).
      interface El {
        id: string;
        textContent: string | null;
        querySelector(s: string): (El & { getAttributeNS(ns: string, name: string): string | null }) | null;
      }
      interface Doc {
        querySelector(s: string): El | null;
        querySelectorAll(s: string): ArrayLike<El>;
      }
      const Parser = (globalThis as unknown as { DOMParser: new () => { parseFromString(t: string, type: string): Doc } }).DOMParser;
      const doc = new Parser().parseFromString(text, 'image/svg+xml');
      const error = doc.querySelector('parsererror')?.textContent ?? null;
      const nodes = Array.from(doc.querySelectorAll('g.node')).map((g) => ({ id: g.id, tooltip: g.querySelector('a')?.getAttributeNS('http://www.w3.org/1999/xlink', 'title') ?? '' }));
      const edges = doc.querySelectorAll('g.edge').length;
      return { error, nodes, edges };
    }, svg);
    await page.close();
    expect(found.error).toBeNull();
    expect(found.nodes.map((n) => n.id).sort()).toEqual([...model.nodes.map((n) => n.safeId), ...model.pseudo.map((p) => p.safeId)].sort());
    for (const node of model.nodes) {
      const tooltip = found.nodes.find((n) => n.id === node.safeId)!.tooltip;
      expect(tooltip, node.id).toContain(node.id);
      for (const f of node.findings) expect(tooltip).toContain(f.message);
    }
    expect(found.edges).toBe(model.edges.length);
  });

  it('renders the SVG file: every node has a size, no request, no error, a PNG screenshot', async () => {
    const file = path.join(dir, 'salon.svg');
    writeFileSync(file, await renderGraph(model, 'svg'));
    const { page, requests, errors } = await open(file);
    await expectEveryNodeDrawn(page);
    // The lint colours are on the drawn shapes: the error node is filled red, the stuck one outlined orange.
    const fill = await page.locator('g#n_end path').first().getAttribute('fill');
    expect(fill).toBe('#ffebe9');
    const stroke = await page.locator('g#n_check polygon').first().getAttribute('stroke');
    expect(stroke).toBe('#bc4c00');
    await expectPng(page, 'salon-svg.png', false);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('renders the HTML page: graph, legend and coverage summary, offline, no errors', async () => {
    const file = path.join(dir, 'salon.html');
    writeFileSync(file, await renderGraph(model, 'html'));
    const { page, requests, errors } = await open(file);
    await expectEveryNodeDrawn(page);
    const svgBox = await page.locator('#graph svg').boundingBox();
    expect(svgBox!.width).toBeGreaterThan(300);
    const aside = await page.locator('aside').innerText();
    expect(aside).toContain('nodes reached 9/11, edges taken 8/15');
    expect(aside).toContain('stuck: Check availability (1), Greeting (1)');
    expect(aside).toContain('1 call left out: node ids not in this flow');
    expect(aside).toContain('no-dangling-edge');
    // A hostile node name is text, never markup.
    expect(aside).toContain('edge from "Questions "FAQ" <b>&</b> #1 | `end` [x] {y}" goes to "old_node"');
    await expectPng(page, 'salon-html.png', true);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);
});
