// Where a worker thread's entry file is: under tsx (tests, `npm run demo`) a small bootstrap that
// registers the TypeScript loader, in the built bundle (dist/, scripts/build.mjs) the plain
// JavaScript entry beside the calling chunk.
/** `from` is the caller's import.meta.url; `source` and `built` are relative to it. */
export function threadEntry(from: string, source: string, built: string): URL {
  return new URL(from.endsWith('.ts') ? source : built, from);
}
