// The results charts' layout: scale words have room in every language, NPS's end labels are not clipped.
import { describe, expect, it } from 'vitest';
import { echarts } from '../../src/echarts.js';
import { chartHeight, chartOption, renderQuestionCharts } from '../../src/surveys/charts.js';
import { scoreQuestion } from '../../src/surveys/scoring.js';
import type { Definition, Question } from '../../src/surveys/questions.js';
import type { Language } from '../../src/i18n/index.js';

const question = (type: Question['type'], extra: Partial<Question> = {}): Question => ({ id: type, type, label: 'Q', required: true, ...extra });
const def = (q: Question): Definition => ({ title: 'T', anonymous: false, responses: 'one', editable: true, questions: [q] });
const result = (q: Question, lang: Language) => scoreQuestion(def(q), q, [{ [q.id]: q.type === 'nps' ? 9 : 1 }], lang);

interface Axis {
  type: string;
  data?: string[];
  axisLabel?: { interval?: number; width?: number; overflow?: string };
}

describe('chart layout', () => {
  const worded = (['likert5', 'likert7', 'csat'] as const).flatMap((type) => (['en', 'es', 'ru'] as const).map((lang) => [type, lang] as const));
  it.each(worded)('%s in %s: bars across, every point’s words in full on the left, wrapped when long', (type, lang) => {
    const r = result(question(type), lang);
    const option = chartOption(r, lang) as unknown as { xAxis: Axis; yAxis: Axis };
    expect(option.xAxis.type).toBe('value');
    expect(option.yAxis.type).toBe('category');
    expect(option.yAxis.data).toEqual(r.counts.map((c) => c.label));
    expect(option.yAxis.axisLabel).toMatchObject({ interval: 0, overflow: 'break', width: expect.any(Number) });
    // Room for a second line under each label.
    expect(chartHeight(r)).toBeGreaterThanOrEqual(90 + r.counts.length * 30);
  });

  it.each(['en', 'es', 'ru'] as const)('NPS in %s: points as numbers, the meaning of 0 and 10 written under the axis ends', (lang) => {
    const r = result(question('nps'), lang);
    const option = chartOption(r, lang) as unknown as { xAxis: Axis; grid: { bottom: number }; graphic: Array<{ left?: number; right?: number; style: { text: string } }> };
    expect(option.xAxis.data).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(option.graphic.map((g) => g.style.text)).toEqual([r.counts[0]!.label, r.counts[10]!.label]);
    expect(option.graphic[1]).toMatchObject({ right: expect.any(Number) });
    expect(option.grid.bottom).toBeGreaterThanOrEqual(40);
  });

  it('a long subtitle wraps, and the bars start below it', () => {
    const ru = chartOption(result(question('nps'), 'ru'), 'ru') as unknown as { grid: { top: number }; title: { subtextStyle: { overflow: string } } };
    const en = chartOption(result(question('rating'), 'en'), 'en') as unknown as { grid: { top: number } };
    expect(ru.title.subtextStyle.overflow).toBe('break');
    expect(ru.grid.top).toBeGreaterThan(en.grid.top);
  });

  it('draws emoji in an option as emoji, not as the empty box of a missing glyph', async () => {
    // Two options of one character each: an emoji, and a private-use character of plane 16 that no font has.
    // Without a font that has the emoji, both are drawn as the same box and the images are equal.
    const chart = async (option: string) => (await renderQuestionCharts([result(question('single', { options: [option] }), 'en')], 'en'))[0]!.png;
    const [emoji, missing] = [await chart('👍'), await chart('\u{10FFFD}')];
    expect(emoji.equals(missing)).toBe(false);
    expect((await chart('\u{10FFFC}')).equals(missing)).toBe(true);
  });

  it('renders a PNG for each', async () => {
    const charts = await renderQuestionCharts([result(question('likert7'), 'ru'), result(question('nps'), 'ru')], 'ru');
    expect(charts.map((c) => c.png.subarray(1, 4).toString('latin1'))).toEqual(['PNG', 'PNG']);
  });
});

describe('chart numbers', () => {
  /** The texts the chart draws, as ECharts renders it to SVG. */
  function texts(option: ReturnType<typeof chartOption>, height: number): string[] {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 640, height });
    try {
      chart.setOption(option);
      return [...chart.renderToSVGString().matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&#160;|&nbsp;/g, '\u00a0'));
    } finally {
      chart.dispose();
    }
  }

  it.each([
    ['en', '12,345', '10,000'],
    ['es', '12.345', '10.000'],
    ['ru', '12\u00a0345', '10\u00a0000'],
  ] as const)('%s: bar labels and the count axis are written as the language writes numbers', (lang, label, tick) => {
    for (const type of ['single', 'nps'] as const) {
      const r = result(question(type, type === 'single' ? { options: ['a', 'b'] } : {}), lang);
      r.counts = r.counts.map((c, i) => ({ ...c, count: i === 0 ? 12_345 : 2_000 }));
      const shown = texts(chartOption(r, lang), chartHeight(r));
      expect(shown, type).toContain(label);
      expect(shown, type).toContain(tick);
      if (lang !== 'en') expect(shown.filter((s) => /\d,\d{3}/.test(s)), type).toEqual([]);
    }
  });
});
