// The digest's charts: ECharts rendered to SVG on the server, then to one PNG by resvg, with a bundled font.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import { echarts, FONT, FONT_FILES, type EChartsOption } from '../echarts.js';
import type { Report } from '../insights/report-types.js';
import { formatNumber, formatPercent, t, weekdayNames, type Language } from '../i18n/index.js';
import { MIN_GROUP, shortDate } from './render.js';

export const CHART_WIDTH = 1000;
const COLORS = {
  background: '#2b2d31',
  text: '#dbdee1',
  muted: '#949ba4',
  grid: '#3f4147',
  current: '#5865f2',
  previous: '#6d6f78',
  heat: ['#313338', '#3b3f8f', '#5865f2', '#a3abff', '#f0f1ff'],
};

type Option = EChartsOption;

function renderSvg(option: Option, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: 'transparent', textStyle: { fontFamily: FONT, color: COLORS.text }, ...option });
    return chart.renderToSVGString();
  } finally {
    // An undisposed instance keeps timers alive and the process running.
    chart.dispose();
  }
}

const title = (text: string, subtext?: string): Option['title'] => ({
  text,
  subtext,
  left: 16,
  top: 10,
  textStyle: { fontFamily: FONT, fontSize: 18, fontWeight: 600, color: COLORS.text },
  subtextStyle: { fontFamily: FONT, fontSize: 12, color: COLORS.muted },
});

const axisLabel = { fontFamily: FONT, color: COLORS.muted, fontSize: 11 };

/** A value axis's labels as the language writes numbers (ECharts' own formatter writes "1,000" in every language). */
const numberLabels = (lang: Language) => ({ ...axisLabel, formatter: (value: number) => formatNumber(lang, value) });

/** Daily active members over the period, the previous period faded behind it. */
export function dauOption(report: Report, previous: Report | null, lang: Language = 'en'): Option {
  const days = report.activity.dau.map((d) => shortDate(d.date, lang));
  const prev = previous?.activity.dau.map((d) => d.count) ?? [];
  return {
    title: title(t(lang, 'chart.dau'), previous ? t(lang, 'chart.dauPrevious', { from: shortDate(previous.period.from, lang), to: shortDate(previous.period.to, lang) }) : undefined),
    grid: { left: 56, right: 40, top: 70, bottom: 40 },
    xAxis: { type: 'category', data: days, boundaryGap: false, axisLabel, axisLine: { lineStyle: { color: COLORS.grid } } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: numberLabels(lang), splitLine: { lineStyle: { color: COLORS.grid } } },
    series: [
      {
        type: 'line',
        name: 'previous',
        data: prev.slice(0, days.length),
        symbol: 'none',
        lineStyle: { color: COLORS.previous, width: 2, type: 'dashed', opacity: 0.7 },
        areaStyle: { color: COLORS.previous, opacity: 0.12 },
        z: 1,
      },
      {
        type: 'line',
        name: 'current',
        data: report.activity.dau.map((d) => d.count),
        symbol: 'circle',
        symbolSize: days.length > 14 ? 4 : 7,
        itemStyle: { color: COLORS.current },
        lineStyle: { color: COLORS.current, width: 3 },
        areaStyle: { color: COLORS.current, opacity: 0.25 },
        z: 2,
      },
    ],
  };
}

/** Messages by local weekday and hour. */
export function heatmapOption(report: Report, lang: Language = 'en'): Option {
  const data: Array<[number, number, number]> = [];
  let max = 0;
  report.hour_of_week.forEach((row, day) =>
    row.forEach((count, hour) => {
      data.push([hour, day, count]);
      max = Math.max(max, count);
    }),
  );
  return {
    title: title(t(lang, 'chart.heatmap'), t(lang, 'chart.heatmapSub', { zone: report.timezone })),
    grid: { left: 56, right: 24, top: 70, bottom: 64 },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), axisLabel, splitArea: { show: false }, axisLine: { show: false }, axisTick: { show: false } },
    yAxis: { type: 'category', data: weekdayNames(lang), inverse: true, axisLabel, axisLine: { show: false }, axisTick: { show: false } },
    visualMap: {
      min: 0,
      max: Math.max(1, max),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 8,
      itemHeight: 180,
      itemWidth: 12,
      text: [formatNumber(lang, max), formatNumber(lang, 0)],
      textStyle: { fontFamily: FONT, color: COLORS.muted, fontSize: 11 },
      inRange: { color: COLORS.heat },
    },
    series: [{ type: 'heatmap', data, itemStyle: { borderColor: COLORS.background, borderWidth: 2 } }],
  };
}

/** The weekly cohort triangle: share of each week's new members active k weeks later. */
export function cohortOption(report: Report, lang: Language = 'en'): Option {
  const cohorts = report.cohorts.filter((c) => c.size > 0);
  if (cohorts.length === 0) return { title: title(t(lang, 'chart.cohorts'), t(lang, 'chart.cohortsNone')) };
  const data: Array<{ value: [number, number, number]; label: string }> = [];
  cohorts.forEach((c, row) =>
    c.active_by_week.slice(0, 5).forEach((active, week) => {
      if (active === null) return;
      const share = c.size === 0 ? 0 : active / c.size;
      data.push({ value: [week, row, share], label: c.size < MIN_GROUP ? formatNumber(lang, active) : formatPercent(lang, share) });
    }),
  );
  return {
    title: title(t(lang, 'chart.cohorts'), t(lang, 'chart.cohortsSub', { min: MIN_GROUP })),
    grid: { left: 150, right: 24, top: 96, bottom: 16 },
    xAxis: { type: 'category', position: 'top', data: [0, 1, 2, 3, 4].map((k) => t(lang, 'chart.week', { k })), axisLabel, axisLine: { show: false }, axisTick: { show: false } },
    yAxis: { type: 'category', inverse: true, data: cohorts.map((c) => `${shortDate(c.week_start, lang)}  (${formatNumber(lang, c.size)})`), axisLabel, axisLine: { show: false }, axisTick: { show: false } },
    visualMap: { show: false, min: 0, max: 1, dimension: 2, inRange: { color: COLORS.heat } },
    series: [
      {
        type: 'heatmap',
        data: data.map((d) => ({ value: d.value, label: { show: true, formatter: d.label, fontFamily: FONT, fontSize: 13, color: d.value[2] > 0.55 ? '#1e1f22' : COLORS.text } })),
        itemStyle: { borderColor: COLORS.background, borderWidth: 3 },
      },
    ],
  };
}

interface Panel {
  option: Option;
  height: number;
}

export function digestPanels(report: Report, previous: Report | null, lang: Language = 'en'): Panel[] {
  const cohortRows = report.cohorts.filter((c) => c.size > 0).length;
  return [
    { option: dauOption(report, previous, lang), height: 320 },
    { option: heatmapOption(report, lang), height: 330 },
    { option: cohortOption(report, lang), height: cohortRows === 0 ? 80 : 120 + cohortRows * 44 },
  ];
}

function stack(svgs: Array<{ svg: string; height: number }>): { svg: string; width: number; height: number } {
  let y = 0;
  const parts: string[] = [];
  for (const panel of svgs) {
    parts.push(`<g transform="translate(0,${y})">${panel.svg.replace(/^<\?xml[^>]*>\s*/, '')}</g>`);
    y += panel.height;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${y}" viewBox="0 0 ${CHART_WIDTH} ${y}"><rect width="100%" height="100%" fill="${COLORS.background}"/>${parts.join('')}</svg>`;
  return { svg, width: CHART_WIDTH, height: y };
}

/** All panels stacked in one SVG. */
export function digestSvg(report: Report, previous: Report | null, lang: Language = 'en'): { svg: string; width: number; height: number } {
  return stack(digestPanels(report, previous, lang).map((p) => ({ svg: renderSvg(p.option, CHART_WIDTH, p.height), height: p.height })));
}

const RESVG_OPTIONS: ResvgRenderOptions = {
  font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT },
  background: COLORS.background,
};

export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, RESVG_OPTIONS).render().asPng();
}

/**
 * The digest's chart image: DAU, hour-of-week heatmap and cohort triangle in one PNG.
 * Each panel takes ~0.1-0.2 s of the event loop, so it yields between them (the gateway
 * and interactions keep flowing), and the rasterising runs on libuv's thread pool.
 */
export async function renderDigestPng(report: Report, previous: Report | null, lang: Language = 'en'): Promise<Buffer> {
  const svgs: Array<{ svg: string; height: number }> = [];
  for (const panel of digestPanels(report, previous, lang)) {
    svgs.push({ svg: renderSvg(panel.option, CHART_WIDTH, panel.height), height: panel.height });
    await yieldToEventLoop();
  }
  const image = await renderAsync(stack(svgs).svg, RESVG_OPTIONS);
  return image.asPng();
}
