// What a member is told when required questions have no answer: labels quoted and listed as their language writes them.
import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/index.js';
import { MSG } from '../../src/surveys/messages.js';

describe('the missing answers refusal', () => {
  it('quotes each label with the language’s marks and joins them with its list format', () => {
    const text = MSG.missing(['Name', 'Team', 'Why'] as string[]);
    expect(render('en', text)).toBe('Some required questions have no answer yet: “Name”, “Team”, and “Why”. Continue to answer them, then submit.');
    expect(render('es', text)).toBe('Algunas preguntas obligatorias aún no tienen respuesta: «Name», «Team» y «Why». Continúa para responderlas y después envía.');
    expect(render('ru', MSG.missing(['Имя', 'Команда']))).toBe('На некоторые обязательные вопросы ещё нет ответа: «Имя» и «Команда». Продолжите, ответьте на них и отправьте.');
  });
});
