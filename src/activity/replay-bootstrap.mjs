// Starts the replay's parsing thread under tsx (Pulse runs its TypeScript without a build step).
import { register } from 'tsx/esm/api';

register();
await import('./replay-worker.ts');
