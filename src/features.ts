// The slices the app is made of, in start order (they stop in reverse).
import { activityFeature } from './activity/discord.js';
import { digestsFeature } from './digests/discord.js';
import { feedbackSummary } from './digests/feedback.js';
import { closedPolls } from './digests/polls.js';
import { insightsReports } from './digests/reports.js';
import { periodSurveys } from './digests/surveys.js';
import type { FeatureFactory } from './feature.js';
import { feedbackFeature } from './feedback/discord.js';
import { flagsFeature } from './flags/discord.js';
import { insightsRoutes } from './insights/discord.js';
import { pollsFeature } from './polls/discord.js';
import { aboutRoutes, settingsRoutes } from './settings/discord.js';
import { surveysFeature } from './surveys/discord.js';

export const features: FeatureFactory[] = [
  (ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }),
  (ctx) => ({ name: 'about', routes: aboutRoutes(() => ctx.client, ctx.db) }),
  (ctx) => flagsFeature(ctx),
  (ctx) => pollsFeature(ctx),
  (ctx) => activityFeature(ctx),
  (ctx) => surveysFeature(ctx),
  (ctx) => feedbackFeature(ctx),
  (ctx) => ({ name: 'insights', routes: insightsRoutes(ctx) }),
  // Last: its start-up catch-up posts digests once the slices it reads from are ready.
  (ctx) => digestsFeature(ctx, { reports: insightsReports(ctx.database), polls: closedPolls(ctx.db), surveys: periodSurveys(ctx.db), feedback: feedbackSummary(ctx.db) }),
];
