// Writes docs/survey.schema.json from the zod definition schema: `npx tsx scripts/survey-schema.ts`.
import { writeFileSync } from 'node:fs';
import { surveyJsonSchemaText } from '../src/surveys/json-schema.js';

writeFileSync(new URL('../docs/survey.schema.json', import.meta.url), surveyJsonSchemaText());
