// Regenerates docs/example-digest.png (and prints its embed) from synthetic reports:
//   npx tsx test/digests/example-image.ts
import { writeFileSync } from 'node:fs';
import { renderDigestPng } from '../../src/digests/charts.js';
import { renderDigest } from '../../src/digests/render.js';
import { busyReport } from './fixtures.js';

const report = busyReport('2026-11-16', '2026-11-22');
const previous = busyReport('2026-11-09', '2026-11-15', { seed: 3, scale: 0.88 });
writeFileSync(new URL('../../docs/example-digest.png', import.meta.url), await renderDigestPng(report, previous));
console.log(JSON.stringify(renderDigest({ kind: 'week', report, previous, imageName: 'digest.png', footerNote: 'week:2026-11-16' }), null, 2));
