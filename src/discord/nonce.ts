// The nonce of a message Pulse posts (a poll, a survey card, a flag case, a feedback status line).

/**
 * The same for every attempt of one post (Discord takes at most 25 characters): with
 * `enforce_nonce`, Discord hands back the message an earlier attempt made in the last few minutes
 * instead of posting a second one. `at` tells apart two posts of one id (a survey opened again).
 */
export function postNonce(kind: string, id: number, at: number): string {
  return `${kind}-${id}-${at.toString(36)}`.slice(0, 25);
}
