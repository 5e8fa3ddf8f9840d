import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../src/node-version.js';

describe('nodeVersionProblem', () => {
  it.each(['v22.0.0', 'v22.23.3', 'v24.21.0', 'v26.1.0'])('accepts %s', (v) => {
    expect(nodeVersionProblem(v)).toBeUndefined();
  });
  it.each(['v20.20.2', 'v18.19.0', 'v21.7.3', 'garbage'])('refuses %s with one line naming the need', (v) => {
    const problem = nodeVersionProblem(v);
    expect(problem).toContain('Node.js 22 or newer');
    expect(problem).toContain(v);
    expect(problem).not.toContain('\n');
  });
});
