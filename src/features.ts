// The slices the app is made of, in start order (they stop in reverse).
import { activityFeature } from './activity/discord.js';
import { digestsFeature } from './digests/discord.js';
import { feedbackSummary } from './digests/feedback.js';
import { closedPolls, nativePolls } from './digests/polls.js';
import { digestFigures, insightsReports } from './digests/reports.js';
import { periodSurveys } from './digests/surveys.js';
import type { FeatureFactory } from './feature.js';
import { feedbackFeature } from './feedback/discord.js';
import { flagsFeature } from './flags/discord.js';
import { insightsRoutes } from './insights/discord.js';
import { pollsFeature } from './polls/discord.js';
import type { ActivityStore } from './activity/store.js';
import { privacyFeature } from './privacy/discord.js';
import { aboutRoutes, settingsRoutes } from './settings/discord.js';
import { surveysFeature } from './surveys/discord.js';

let activityStore: ActivityStore | undefined;

export const features: FeatureFactory[] = [
  (ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }),
  (ctx) => ({ name: 'about', routes: aboutRoutes(() => ctx.client, ctx.db) }),
  (ctx) => flagsFeature(ctx),
  (ctx) => pollsFeature(ctx),
  (ctx) => {
    const feature = activityFeature(ctx);
    activityStore = feature.store;
    return feature;
  },
  // The activity factory runs just before this one in every createApp: the door is this app's.
  (ctx) => privacyFeature(ctx, () => activityStore!),
  (ctx) => surveysFeature(ctx),
  (ctx) => feedbackFeature(ctx),
  (ctx) => ({ name: 'insights', routes: insightsRoutes(ctx) }),
  // Last: its start-up catch-up posts digests once the slices it reads from are ready.
  (ctx) =>
    digestsFeature(ctx, {
      reports: insightsReports(ctx.pool),
      polls: closedPolls(ctx.db),
      nativePolls: nativePolls(ctx.db),
      surveys: periodSurveys(ctx.db),
      feedback: feedbackSummary(ctx.db),
      figures: digestFigures(ctx.pool),
    }),
];
