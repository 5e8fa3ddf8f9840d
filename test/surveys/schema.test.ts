// The committed JSON Schema for editors matches the zod schema the bot validates with.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { surveyJsonSchema, surveyJsonSchemaText } from '../../src/surveys/json-schema.js';

describe('docs/survey.schema.json', () => {
  it('is current (regenerate with `npx tsx scripts/survey-schema.ts`)', () => {
    expect(readFileSync(new URL('../../docs/survey.schema.json', import.meta.url), 'utf8')).toBe(surveyJsonSchemaText());
  });

  it('describes the question types and the required fields', () => {
    const schema = surveyJsonSchema() as { required?: string[]; properties: { questions: { items: { properties: { type: { enum: string[] } } } } } };
    expect(schema.required).toEqual(['title', 'questions']);
    expect(schema.properties.questions.items.properties.type.enum).toEqual(['single', 'multiple', 'rating', 'likert5', 'likert7', 'nps', 'csat', 'yesno', 'short', 'long']);
  });
});
