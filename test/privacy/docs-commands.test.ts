// docs/privacy.md says what the commands do: opt-in during a running opt-out is refused (not
// queued), and digests already posted keep their text after an opt-out.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';

const doc = readFileSync(new URL('../../docs/privacy.md', import.meta.url), 'utf8');
const bullet = (command: string) => doc.split('\n- ').find((b) => b.startsWith(`\`${command}\``))?.replace(/\s+/g, ' ') ?? '';

describe('docs/privacy.md', () => {
  it('says opt-in is refused while an opt-out is deleting, as the answer says', () => {
    expect(t('en', 'privacy.optIn.pending')).toMatch(/still deleting/);
    expect(bullet('/privacy opt-in')).toMatch(/is refused, with a private note/);
    expect(bullet('/privacy opt-in')).not.toMatch(/waits/);
  });

  it('says digests already posted keep their text', () => {
    expect(doc.replace(/\s+/g, ' ')).toMatch(/Digests already posted keep their text: a digest that named you among the top members or the at-risk regulars before your opt-out still does/);
  });
});
