import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { CHART_WIDTH, digestSvg, renderDigestPng } from '../../src/digests/charts.js';
import { busyReport, emptyReport } from './fixtures.js';

function pngSize(png: Buffer): { width: number; height: number } {
  // The signature, then IHDR as the first chunk: width and height as big-endian u32.
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Decodes the PNG (resvg draws it as an <image>) and counts distinct colours: a blank image has one. */
function colours(png: Buffer, width: number, height: number): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}"><image width="${width}" height="${height}" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  const pixels = new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels;
  const seen = new Set<number>();
  for (let i = 0; i < pixels.length; i += 4 * 7) seen.add(pixels.readUInt32BE(i));
  return seen.size;
}

describe('digest charts', () => {
  const current = busyReport('2026-11-16', '2026-11-22');
  const previous = busyReport('2026-11-09', '2026-11-15', { seed: 3, scale: 0.8 });

  it('renders one PNG of the expected size that is not blank', async () => {
    const png = await renderDigestPng(current, previous);
    const { svg, width, height } = digestSvg(current, previous);
    expect(pngSize(png)).toEqual({ width, height });
    expect(width).toBe(CHART_WIDTH);
    expect(height).toBeGreaterThan(800);
    expect(colours(png, width, height)).toBeGreaterThan(50);
    // The three panels and their text, rendered with the bundled font.
    expect(svg).toContain('Daily active members');
    expect(svg).toContain('When members post');
    expect(svg).toContain('Cohort retention');
  });

  it('renders an empty guild without failing', async () => {
    const png = await renderDigestPng(emptyReport('2026-11-16', '2026-11-22'), null);
    const { width, height } = pngSize(png);
    expect(width).toBe(CHART_WIDTH);
    expect(colours(png, width, height)).toBeGreaterThan(5); // titles and axes at least
  });

  it('renders a month and a single day', async () => {
    expect(pngSize(await renderDigestPng(busyReport('2026-10-01', '2026-10-31'), busyReport('2026-09-01', '2026-09-30'))).width).toBe(CHART_WIDTH);
    expect(pngSize(await renderDigestPng(busyReport('2026-11-22', '2026-11-22'), busyReport('2026-11-21', '2026-11-21'))).width).toBe(CHART_WIDTH);
  });
});

describe('digest charts in the server language', () => {
  /** The texts the SVG draws. */
  const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&#160;|&nbsp;/g, '\u00a0'));

  /** A big server: thousands active a day, a heatmap cell over ten thousand, a cohort of 12,345. */
  function bigReport() {
    const r = busyReport('2026-11-16', '2026-11-22', { timezone: 'UTC' });
    r.activity.dau = r.activity.dau.map((d, i) => ({ ...d, count: 18_000 + i * 500 }));
    r.hour_of_week[2]![14] = 12_345;
    r.cohorts = [{ week_start: '2026-11-16', size: 12_345, active_by_week: [5_432, null, null, null, null] }];
    return r;
  }

  it.each([
    ['en', '20,000', '12,345', '44%'],
    ['es', '20.000', '12.345', '44\u00a0%'],
    ['ru', '20\u00a0000', '12\u00a0345', '44\u00a0%'],
  ] as const)('%s: axis, legend, cohort sizes and shares are written as the language writes numbers', (lang, axisTick, legend, share) => {
    const shown = texts(digestSvg(bigReport(), null, lang).svg);
    // The daily-active axis, the heatmap legend's top, the cohort's size and its share.
    expect(shown).toContain(axisTick);
    expect(shown).toContain(legend);
    expect(shown.some((s) => s.endsWith(`(${legend})`))).toBe(true);
    expect(shown).toContain(share);
    if (lang !== 'en') expect(shown.filter((s) => /\d,\d{3}/.test(s))).toEqual([]);
  });
});
