import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads and validates the environment once, at boot. On failure the error names every bad variable
 * and what it expected, and never echoes the value of a secret.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  secrets: readonly string[] = [],
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.');
    const given = env[variable];
    const shown =
      given === undefined
        ? 'not set'
        : secrets.includes(variable)
          ? 'given value hidden'
          : `got ${JSON.stringify(given)}`;
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

/** Env helpers: environment variables are strings; these parse them with clear expectations. */
export const env = {
  port: (fallback: number) =>
    z.coerce.number({ error: 'expected a TCP port number' }).int().min(1).max(65535).default(fallback),
  int: (fallback: number, min = 0) =>
    z.coerce.number({ error: 'expected an integer' }).int().min(min).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: "expected 'true' or 'false'" })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  url: (protocols: string[]) =>
    z.string({ error: 'is required' }).refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(':', ''));
        } catch {
          return false;
        }
      },
      `expected a URL (${protocols.join(' or ')})`,
    ),
  list: (itemPattern: RegExp, description: string) =>
    z
      .string({ error: 'is required' })
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .refine((items) => items.length > 0 && items.every((i) => itemPattern.test(i)), `expected ${description}`),
};
