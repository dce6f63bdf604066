import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '@rapport/stack';
import { stackInfo } from '@rapport/testing';

/**
 * Schemathesis over every operation of the public API (deploy/fuzz/run.sh: all checks, the
 * stateful phase included), as the demo user `fuzzer` (an admin with a rate-limit bucket that fits
 * the run). Bounded so that it fits CI: RAPPORT_FUZZ_EXAMPLES examples per operation (default 5,
 * about a minute here); `npm run fuzz -- --max-examples 100` is the longer run. Its data are its own:
 * the fuzzer only reaches records by the ids it created or read, and other specs use unique ids.
 */
const EXAMPLES = process.env.RAPPORT_FUZZ_EXAMPLES ?? '5';
/** Replays a run: the seed Schemathesis prints at the end of every report. */
const SEED = process.env.RAPPORT_FUZZ_SEED;
const BUDGET_MS = 5 * 60_000;

describe('API contract under Schemathesis', () => {
  it(
    `reports no failure with ${EXAMPLES} examples per operation`,
    async () => {
      const script = path.join(repoRoot(), 'deploy', 'fuzz', 'run.sh');
      const args = ['--url', stackInfo().gatewayUrl, '--max-examples', EXAMPLES, ...(SEED ? ['--seed', SEED] : [])];
      const { status, output } = await new Promise<{ status: number | null; output: string }>((resolve, reject) => {
        const child = spawn(script, args, { cwd: repoRoot(), env: { ...process.env, NO_COLOR: '1' } });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ status: code, output }));
      });
      // On failure the message is Schemathesis' own report from its FAILURES section on (each failure
      // with its curl reproduction, then the seed), so that a CI log that keeps only the end shows it.
      if (status !== 0) throw new Error(`deploy/fuzz/run.sh exited with ${status}:\n${failuresOf(output)}`);
      expect(status).toBe(0);
    },
    BUDGET_MS + 60_000,
  );
});

function failuresOf(output: string): string {
  const start = output.search(/^=+ FAILURES =+\s*$/m);
  return start < 0 ? output : output.slice(start);
}
