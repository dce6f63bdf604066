import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

describe('service configuration', () => {
  it('fails fast at boot, naming each bad variable and never echoing a secret', () => {
    const main = path.resolve(__dirname, '../dist/apps/analytics/src/main.js');
    const result = spawnSync(process.execPath, [main], {
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        PORT: 'eighty',
        DATABASE_URL: 'mysql://nope',
        INTERNAL_AUTH_SECRET: 'too-short-secret',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    expect(result.status).toBe(78);
    const output = result.stdout + result.stderr;
    expect(output).toContain('PORT: expected a TCP port number');
    expect(output).toContain('KAFKA_BROKERS: is required');
    expect(output).toContain('DATABASE_URL: expected a URL (postgres or postgresql) (given value hidden)');
    expect(output).toContain('INTERNAL_AUTH_SECRET: expected at least 32 characters (given value hidden)');
    expect(output).not.toContain('too-short-secret');
  });
});
