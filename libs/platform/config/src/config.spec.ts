import { z } from 'zod';
import { ConfigError, env, loadConfig } from './config';

describe(loadConfig.name, () => {
  const schema = z.object({
    PORT: env.port(3000),
    KAFKA_BROKERS: env.list(/^[^:]+:\d+$/, 'a comma-separated list of host:port'),
    DATABASE_URL: env.url(['postgres', 'postgresql']),
    DB_MIGRATE_ON_START: env.bool(true),
  });

  it('parses and defaults valid variables', () => {
    const sut = loadConfig(schema, { KAFKA_BROKERS: 'a:1, b:2', DATABASE_URL: 'postgres://u:p@h:5432/db' });
    expect(sut).toEqual({
      PORT: 3000,
      KAFKA_BROKERS: ['a:1', 'b:2'],
      DATABASE_URL: 'postgres://u:p@h:5432/db',
      DB_MIGRATE_ON_START: true,
    });
  });

  it('fails naming every bad variable and what it expected', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: 'eighty', KAFKA_BROKERS: 'nohostport', DB_MIGRATE_ON_START: 'yes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT: expected a TCP port number (got "eighty")');
    expect(message).toContain('KAFKA_BROKERS: expected a comma-separated list of host:port');
    expect(message).toContain('DATABASE_URL: is required (not set)');
    expect(message).toContain("DB_MIGRATE_ON_START: expected 'true' or 'false'");
  });

  it('never echoes the value of a secret', () => {
    const secretSchema = z.object({ INTERNAL_AUTH_SECRET: z.string().min(32, 'expected at least 32 characters') });
    expect(() => loadConfig(secretSchema, { INTERNAL_AUTH_SECRET: 'short-secret' }, ['INTERNAL_AUTH_SECRET'])).toThrow(
      'INTERNAL_AUTH_SECRET: expected at least 32 characters (given value hidden)',
    );
  });
});
