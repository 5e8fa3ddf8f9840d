// Starts a worker thread under tsx (Pulse runs its TypeScript without a build step, both under
// `npm start` and under vitest), then loads the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
