// The JSON Schema of a survey definition, generated from the zod schema (docs/survey.schema.json holds a copy for editors).
import { z } from 'zod';
import { definitionSchema } from './survey.js';


export function surveyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(definitionSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: 'Pulse survey definition', description: 'A survey for Pulse’s /survey create file:… (see docs/surveys.md). Checked again by the bot, which also checks options per type, pages and conditions.' };
}

/** The file's text: stable key order from the schema, two-space indent, final newline. */
export function surveyJsonSchemaText(): string {
  return `${JSON.stringify(surveyJsonSchema(), null, 2)}\n`;
}
