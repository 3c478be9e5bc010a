import { expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';

// The browser the report and graph tests use: it starts headless, renders an inline SVG, and makes no
// network requests of its own for a page that needs none.
it('Debian chromium renders an inline SVG headless, offline', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect id="r" width="100" height="20" fill="teal"/></svg>');
    const box = await page.locator('#r').boundingBox();
    expect(box?.width).toBe(100);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  } finally {
    await browser.close();
  }
}, 30_000);
