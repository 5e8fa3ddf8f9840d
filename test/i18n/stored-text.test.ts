// Texts kept in the database, rendered when read: what storedText takes back, and what it leaves as plain text.
import { describe, expect, it } from 'vitest';
import { msg, optionName, render, storedText, storeText } from '../../src/i18n/index.js';

describe('storeText / storedText', () => {
  it('gives back a Text with nested Texts, lists and option names, rendered in any language', () => {
    const text = msg('feedback.unposted.missing', { missing: [msg('perm.viewChannel'), msg('perm.sendMessages')], code: '50013' });
    const back = storedText(storeText(text));
    expect(back).toEqual(text);
    expect(render('es', back!)).toBe('Pulse necesita Ver canal y Enviar mensajes en el canal de sugerencias (error 50013)');
    const withOption = msg('settings.error.staffRoleManageServer', { option: optionName('settings set staff_role') });
    expect(storedText(storeText(withOption))).toEqual(withOption);
  });

  it('leaves anything else to be shown as written: plain text, broken JSON, unknown keys, bad parameters', () => {
    for (const value of ['Missing Permissions (50013)', '{not json', '{"key":"no.such.key"}', '{"key":"feedback.unposted.missing","params":{"missing":[{"key":"nope"}]}}', '{"key":"feedback.unposted.closed","params":{"x":null}}', '{}', '[]']) {
      expect(storedText(value)).toBeNull();
    }
  });
});
