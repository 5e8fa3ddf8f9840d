// One small PNG per survey question: bars for choices, the scale's distribution with NPS/CSAT marked (ECharts SVG -> resvg).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import { echarts, FONT, FONT_FILES, type EChartsOption } from '../echarts.js';
import { formatNumber as formatCount, t, type Language } from '../i18n/index.js';
import { formatNps, formatNumber, formatPercent, type QuestionResult } from './scoring.js';

const WIDTH = 640;
const COLORS = { background: '#2b2d31', text: '#dbdee1', muted: '#949ba4', grid: '#3f4147', bar: '#5865f2', bad: '#da373c', mid: '#949ba4', good: '#23a55a' };
const RESVG: ResvgRenderOptions = { font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT }, background: COLORS.background };

/** Whether a question gets a chart (text answers do not). */
export function hasChart(q: QuestionResult): boolean {
  return q.counts.length > 0;
}

function barColor(q: QuestionResult, value: string): string {
  const n = Number(value);
  if (q.type === 'nps') return n >= 9 ? COLORS.good : n >= 7 ? COLORS.mid : COLORS.bad;
  if (q.type === 'csat') return n >= 4 ? COLORS.good : COLORS.bar;
  return COLORS.bar;
}

/** The line under a chart's title, in the server's language. */
export function chartSubtitle(q: QuestionResult, lang: Language = 'en'): string {
  const parts = [t(lang, 'surveys.chart.answers', { count: q.answered })];
  if (q.nps !== null || q.type === 'nps') parts.push(t(lang, 'surveys.chart.nps', { nps: formatNps(q.nps) }));
  if (q.type === 'csat') parts.push(t(lang, 'surveys.chart.csat', { csat: formatPercent(q.csat, lang) }));
  if (q.mean !== null) parts.push(t(lang, 'surveys.chart.meanMedian', { mean: formatNumber(q.mean, 2, lang), median: formatNumber(q.median, 2, lang) }));
  return parts.join(' · ');
}

/**
 * Whether a question's bars run across, labels on the left: choices, and the scales whose points
 * carry words (Likert, CSAT). Side by side under upright bars those words overlap in every language.
 */
export function isHorizontal(q: Pick<QuestionResult, 'type'>): boolean {
  return q.type === 'single' || q.type === 'multiple' || q.type === 'likert5' || q.type === 'likert7' || q.type === 'csat';
}

/** Room left of the bars for the labels; a label wider than that wraps onto a second line (and no more). */
const LABEL_WIDTH = 156;
/** The subtitle's line: about this many characters fit across the chart before it wraps. */
const SUBTITLE_CHARS = 95;

export function chartOption(q: QuestionResult, lang: Language = 'en'): EChartsOption {
  const horizontal = isHorizontal(q);
  const nps = q.type === 'nps';
  // NPS shows its points as bare numbers; what 0 and 10 mean is written under the axis's two ends.
  // The author's options are cut to what two lines hold; the built-in scale words are short enough.
  const choice = q.type === 'single' || q.type === 'multiple';
  const labels = q.counts.map((c) => (nps ? c.value : choice && c.label.length > 44 ? `${c.label.slice(0, 43)}…` : c.label));
  const data = q.counts.map((c) => ({ value: c.count, itemStyle: { color: barColor(q, c.value) } }));
  const text = { fontFamily: FONT, color: COLORS.muted, fontSize: 11 };
  const category = {
    type: 'category' as const,
    data: labels,
    // Every label shown (by default ECharts drops labels it thinks overlap, one in two).
    axisLabel: horizontal ? { ...text, interval: 0, width: LABEL_WIDTH, overflow: 'break' as const, lineHeight: 13, height: 26, lineOverflow: 'truncate' as const } : { ...text, interval: 0 },
    axisLine: { lineStyle: { color: COLORS.grid } },
  };
  // Counts as the language writes them (ECharts' own formatter writes "1,000" in every language).
  const count = (n: number) => formatCount(lang, n);
  const value = { type: 'value' as const, minInterval: 1, axisLabel: { ...text, formatter: count }, splitLine: { lineStyle: { color: COLORS.grid } } };
  const subtitle = chartSubtitle(q, lang);
  // A long subtitle (Russian, Spanish) wraps rather than running off the edge; the bars start below it.
  const top = 64 + 14 * (Math.ceil(subtitle.length / SUBTITLE_CHARS) - 1);
  const ends = nps && q.counts.length > 1 ? [q.counts[0]!.label, q.counts[q.counts.length - 1]!.label] : null;
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: FONT, color: COLORS.text },
    title: {
      text: q.label,
      subtext: subtitle,
      left: 12,
      top: 8,
      textStyle: { fontFamily: FONT, fontSize: 15, fontWeight: 600, color: COLORS.text },
      subtextStyle: { fontFamily: FONT, fontSize: 11, color: COLORS.muted, width: WIDTH - 24, overflow: 'break' },
    },
    grid: horizontal ? { left: LABEL_WIDTH + 14, right: 40, top, bottom: 24 } : { left: 40, right: 20, top, bottom: ends ? 48 : 32 },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: [{ type: 'bar', data, label: { show: true, position: horizontal ? 'right' : 'top', formatter: (p: { value: unknown }) => count(Number(p.value)), color: COLORS.text, fontFamily: FONT, fontSize: 11 }, barMaxWidth: 36 }],
    ...(ends
      ? {
          graphic: [
            { type: 'text', left: 40, bottom: 10, style: { text: ends[0], fill: COLORS.muted, fontFamily: FONT, fontSize: 11 } },
            { type: 'text', right: 20, bottom: 10, style: { text: ends[1], fill: COLORS.muted, fontFamily: FONT, fontSize: 11 } },
          ],
        }
      : {}),
  };
}

export function chartHeight(q: QuestionResult): number {
  return isHorizontal(q) ? Math.max(180, 90 + q.counts.length * 30) : 280;
}

function renderSvg(q: QuestionResult, lang: Language): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: chartHeight(q) });
  try {
    chart.setOption(chartOption(q, lang));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * One PNG per question that has a chart, titled and labelled in `lang` (the server's language). Each SVG takes a few ms on the event loop and the
 * rasterising runs on libuv's pool; it yields between questions so the gateway keeps flowing.
 */
export async function renderQuestionCharts(questions: readonly QuestionResult[], lang: Language = 'en'): Promise<Array<{ id: string; png: Buffer }>> {
  const out: Array<{ id: string; png: Buffer }> = [];
  for (const q of questions) {
    if (!hasChart(q)) continue;
    const svg = renderSvg(q, lang);
    await yieldToEventLoop();
    out.push({ id: q.id, png: (await renderAsync(svg, RESVG)).asPng() });
  }
  return out;
}
