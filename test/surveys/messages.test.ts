// What a member is told when required questions have no answer (labels quoted and listed as their
// language writes them), and what staff read in the results (numbers as their language writes them).
import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/index.js';
import { resultsEmbed } from '../../src/surveys/discord-render.js';
import { MSG } from '../../src/surveys/messages.js';
import type { QuestionResult } from '../../src/surveys/scoring.js';
import type { Results } from '../../src/surveys/service.js';
import type { Survey } from '../../src/surveys/store.js';
import { parseDefinition } from '../../src/surveys/survey.js';

describe('the missing answers refusal', () => {
  it('quotes each label with the language’s marks and joins them with its list format', () => {
    const text = MSG.missing(['Name', 'Team', 'Why'] as string[]);
    expect(render('en', text)).toBe('Some required questions have no answer yet: “Name”, “Team”, and “Why”. Continue to answer them, then submit.');
    expect(render('es', text)).toBe('Algunas preguntas obligatorias aún no tienen respuesta: «Name», «Team» y «Why». Continúa para responderlas y después envía.');
    expect(render('ru', MSG.missing(['Имя', 'Команда']))).toBe('На некоторые обязательные вопросы ещё нет ответа: «Имя» и «Команда». Продолжите, ответьте на них и отправьте.');
  });
});

describe('the results', () => {
  it('write each choice count as the language writes numbers (1,234 / 1 234)', () => {
    const parsed = parseDefinition({ title: 'Lunch', questions: [{ id: 'food', type: 'single', label: 'Food', options: ['Pizza', 'Tacos'] }] });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    const survey = { id: 1, status: 'closed', anonymous: false, definition: parsed.value } as unknown as Survey;
    const question: QuestionResult = {
      id: 'food',
      label: 'Food',
      type: 'single',
      answered: 1240,
      counts: [
        { label: 'Pizza', value: 'Pizza', count: 1234 },
        { label: 'Tacos', value: 'Tacos', count: 6 },
      ],
      leaders: ['Pizza'],
      mean: null,
      median: null,
      nps: null,
      csat: null,
    };
    const results: Results = { survey, responses: 1240, eligible: null, rate: null, questions: [question], nps: null, csat: null, roles: null };
    expect(resultsEmbed('en', results).fields?.[0]?.value).toContain('Pizza: **1,234** · Tacos: **6**');
    expect(resultsEmbed('ru', results).fields?.[0]?.value).toContain('Pizza: **1\u00a0234** · Tacos: **6**');
  });
});
