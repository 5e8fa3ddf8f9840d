// The built-in survey templates: NPS, CSAT, onboarding, check-in and event feedback (pure data).
import type { DefinitionInput } from './survey.js';

export const TEMPLATES = {
  nps: {
    title: 'How likely are you to recommend us?',
    intro: 'Two quick questions. Your answers help the team improve the server.',
    questions: [
      { id: 'score', type: 'nps', label: 'How likely are you to recommend us?', description: '0 = not at all likely, 10 = extremely likely' },
      { id: 'why', type: 'long', label: 'Why did you give that score?', required: false, placeholder: 'Optional' },
    ],
  },
  csat: {
    title: 'How satisfied are you?',
    questions: [
      { id: 'satisfaction', type: 'csat', label: 'How satisfied are you with the server?' },
      { id: 'improve', type: 'long', label: 'What one thing should we improve?', required: false },
    ],
  },
  onboarding: {
    title: 'Welcome! Tell us about you',
    intro: 'A short survey for new members, so we can help you find your place.',
    questions: [
      { id: 'found', type: 'single', label: 'How did you find us?', options: ['Search', 'A friend', 'Social media', 'An event', 'Other'] },
      { id: 'interests', type: 'multiple', label: 'What are you here for?', options: ['Help with a problem', 'Learning', 'Showing my work', 'Meeting people', 'News and updates'], min: 1, max: 3 },
      { id: 'welcome', type: 'rating', label: 'How welcome did you feel so far?' },
      { id: 'intro', type: 'short', label: 'Anything we should know about you?', required: false },
      { id: 'clear', type: 'likert5', label: 'The server rules and channels are clear.' },
    ],
  },
  checkin: {
    title: 'We miss you: a quick check-in',
    intro: 'You have been quiet lately. Two minutes of your time tells us what would bring you back.',
    questions: [
      { id: 'reason', type: 'single', label: 'Why have you been less active?', options: ['Busy elsewhere', 'Lost interest in the topic', 'Hard to follow', 'Did not feel welcome', 'Other'] },
      { id: 'return', type: 'yesno', label: 'Would you like to be more active here?' },
      { id: 'what', type: 'long', label: 'What would bring you back?', required: false, showIf: { question: 'return', in: ['yes'] } },
      { id: 'satisfaction', type: 'csat', label: 'Overall, how satisfied are you with us?' },
    ],
    pages: [['reason', 'return'], ['what', 'satisfaction']],
  },
  event: {
    title: 'How was the event?',
    questions: [
      { id: 'rating', type: 'rating', label: 'How would you rate the event?' },
      { id: 'length', type: 'single', label: 'The length was…', options: ['Too short', 'About right', 'Too long'] },
      { id: 'again', type: 'yesno', label: 'Would you come to the next one?' },
      { id: 'liked', type: 'long', label: 'What did you like most?', required: false },
      { id: 'nps', type: 'nps', label: 'Would you recommend our events?' },
    ],
  },
} as const satisfies Record<string, DefinitionInput>;

export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export const TEMPLATE_DESCRIPTIONS: Record<TemplateName, string> = {
  nps: 'NPS: a 0–10 score and an optional “why?”',
  csat: 'CSAT: satisfaction 1–5 and one improvement',
  onboarding: 'New-member onboarding: where from, interests, welcome',
  checkin: 'Check-in for members who went quiet (two pages)',
  event: 'Event feedback: rating, length, come again, NPS',
};

/** A fresh copy of a template (its arrays are shared constants otherwise). */
export function template(name: TemplateName): DefinitionInput {
  return JSON.parse(JSON.stringify(TEMPLATES[name])) as DefinitionInput;
}
