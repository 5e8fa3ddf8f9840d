// Stops Pulse on a Node.js older than it supports, with one line, before anything native loads.
const MIN_MAJOR = 22;

export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isInteger(major) && major >= MIN_MAJOR) return undefined;
  return `Pulse needs Node.js ${MIN_MAJOR} or newer (22 and 24 are the supported LTS lines); this is Node.js ${version}.`;
}

const problem = nodeVersionProblem(process.version);
if (problem) {
  console.error(problem);
  process.exit(1);
}
