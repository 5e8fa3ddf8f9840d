// What the digests' and the surveys' charts are drawn with: ECharts, rendered to SVG on the
// server, and a bundled font for resvg (shipped through npm, so the image is the same on a
// machine without system fonts).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * ECharts' minified single-file build: the package's own code, as its main file
 * (dist/echarts.js) has it unminified. Loading its hundreds of ES modules instead took ~3x longer;
 * the minified file leaves ~11 MB less in the worker thread that renders (~10 against ~21 MB once
 * loaded), and both slices share the one copy.
 */
export const echarts = require('echarts/dist/echarts.min.js') as typeof import('echarts');
export type EChartsOption = import('echarts').EChartsOption;

/**
 * Inter draws Latin, Cyrillic and Greek. resvg falls back, glyph by glyph, to the other fonts
 * loaded: Noto Emoji (monochrome, 0.9 MB) draws the emoji that survey authors put in questions and
 * options, which Inter would draw as empty boxes. CJK scripts are not bundled (a Noto Sans CJK
 * face is ~10 MB per weight) and still draw as boxes.
 */
export const FONT_FILES = [
  require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  require.resolve('@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf'),
  require.resolve('@expo-google-fonts/noto-emoji/400Regular/NotoEmoji_400Regular.ttf'),
];
export const FONT = 'Inter';
