// Types of checkpoint-loop.mjs (the WAL's checkpoints off the gateway's thread).
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** Starts checkpointing `path` every `intervalMs`; returns the function that stops it. */
export declare function checkpointEvery(path: string, intervalMs: number, report: (result: CheckpointResult | { error: string }) => void): () => void;
