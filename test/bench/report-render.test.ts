// The HTML report rendered in a real browser (Debian's chromium, driven by playwright-core): every
// section is there, and no label overflows its box, at a desktop and a narrow width.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeforeAfterReport } from '../../benchmarks/lib/before-after-report';
import { renderHtml } from '../../benchmarks/lib/report-html';
import { areaTitle, groupsOf } from '../../benchmarks/lib/report-model';
import type { ComprehensiveReport } from '../../benchmarks/lib/result';
import { measure, type Layout } from './report-layout';
import { sampleReport } from './report-sample';

const CHROMIUM = '/usr/bin/chromium';
const have = existsSync(CHROMIUM);
if (!have) console.warn(`report-render: skipped, no ${CHROMIUM} (apt-get install -y chromium; .ci/run does it)`);

// The flags machines here need (no sandbox as root, no background network calls to a closed network).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const root = join(__dirname, '..', '..');
const latest = JSON.parse(readFileSync(join(root, 'reports/latest.json'), 'utf8')) as ComprehensiveReport;
const latestBa = JSON.parse(readFileSync(join(root, 'reports/latest.before-after.json'), 'utf8')) as BeforeAfterReport;

describe.skipIf(!have)(`HTML report in headless Chromium (${have ? CHROMIUM : `skipped: no ${CHROMIUM}`})`, () => {
  let browser: import('playwright-core').Browser;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function layout(html: string, width: number): Promise<Layout> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    try {
      await page.setContent(html, { waitUntil: 'load' });
      return await page.evaluate(measure);
    } finally {
      await page.close();
    }
  }

  const cases: Array<[string, ComprehensiveReport, BeforeAfterReport | undefined]> = [
    ['the committed latest report with its before/after run', latest, latestBa],
    ['a sample report with failed, skipped, slower and long-named rows', sampleReport(), undefined],
  ];

  for (const [name, rep, ba] of cases) {
    for (const width of [1280, 720]) {
      it(`${name}, ${width} px wide: every section, no label outside its box`, async () => {
        const l = await layout(renderHtml(rep, ba), width);
        const expected = ['summary', ...groupsOf(rep.rows).map((g) => g.group), ...(ba ? ['before-after'] : []), 'details'];
        expect(l.sections.map((s) => s.id)).toEqual(expected.map((g) => (g === 'summary' || g === 'details' || g === 'before-after' ? g : `g-${g}`)));
        for (const g of groupsOf(rep.rows)) expect(l.sections.find((s) => s.id === `g-${g.group}`)?.title).toBe(areaTitle(g.group));
        expect(l.overflowing).toEqual([]);
        expect(l.outside).toEqual([]);
        expect(l.overlapping).toEqual([]);
        expect(l.pageScroll).toBeLessThanOrEqual(l.viewport);
        expect(l.labels.length).toBeGreaterThan(0);
      }, 60_000);
    }
  }
});
