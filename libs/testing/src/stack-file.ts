import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServiceName } from '@rapport/contracts';
import { repoRoot, testProfile, type StackInfo } from '@rapport/stack';

/** Global setup writes what tests need to reach the stack here; tests read it. */
export const STACK_FILE = path.join(repoRoot(), '.local', testProfile(), 'stack.json');

export interface TestStackInfo extends StackInfo {
  controlUrl: string;
  otlpUrl: string;
  /** Each service's own environment (database role, schema, brokers, secrets), for the medium tier. */
  serviceEnvs: Record<ServiceName, Record<string, string>>;
}

export function writeStackFile(info: TestStackInfo): void {
  fs.mkdirSync(path.dirname(STACK_FILE), { recursive: true });
  fs.writeFileSync(STACK_FILE, JSON.stringify(info, null, 2));
}

export function stackInfo(): TestStackInfo {
  if (!fs.existsSync(STACK_FILE))
    throw new Error(`${STACK_FILE} is missing: run these tests with jest.stack.config.cjs`);
  return JSON.parse(fs.readFileSync(STACK_FILE, 'utf8')) as TestStackInfo;
}

/** Spans the services exported over OTLP during the test run, one JSON object per line. */
export const SPANS_FILE = path.join(path.dirname(STACK_FILE), 'spans.jsonl');
