// The slices the app is made of, in start order (they stop in reverse).
import type { FeatureFactory } from './feature.js';
import { flagsFeature } from './flags/discord.js';
import { pollsFeature } from './polls/discord.js';
import { aboutRoutes, settingsRoutes } from './settings/discord.js';

export const features: FeatureFactory[] = [
  (ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }),
  (ctx) => ({ name: 'about', routes: aboutRoutes(() => ctx.client) }),
  (ctx) => flagsFeature(ctx),
  (ctx) => pollsFeature(ctx),
];
