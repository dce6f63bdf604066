import { parseArgs } from 'node:util';
import { isStackProfile, type StackProfile } from '@rapport/stack';

/**
 * The benchmarks' command lines, parsed once: `--name value` or `--name=value` per option (a camelCase
 * key is the kebab-case flag), `--help`, and a usage error (exit 2) for an unknown flag or a bad value.
 * Node's own `util.parseArgs` does the parsing; this adds typed values with their checks.
 */
export interface Option<T> {
  readonly initial: T;
  parse(raw: string, flag: string): T;
}

class UsageError extends Error {}

/** An integer from `min` (default 1) to `max`. */
export const int = (initial: number, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}): Option<number> => ({
  initial,
  parse: (raw, flag) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max)
      throw new UsageError(
        `${flag} needs an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}, got ${raw}`,
      );
    return value;
  },
});

/** A number above `above` (default 0), fractions allowed. */
export const positive = (initial: number, { above = 0 } = {}): Option<number> => ({
  initial,
  parse: (raw, flag) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value <= above)
      throw new UsageError(`${flag} needs a number above ${above}, got ${raw}`);
    return value;
  },
});

/** Comma-separated integers, ascending. */
export const ascendingInts = (initial: number[], { min = 1 } = {}): Option<number[]> => ({
  initial,
  parse: (raw, flag) => {
    const values = raw.split(',').map(Number);
    if (values.some((v) => !Number.isInteger(v) || v < min) || values.some((v, i) => i > 0 && v < values[i - 1]!))
      throw new UsageError(`${flag} needs ascending integers ≥ ${min}, such as 1000,10000; got ${raw}`);
    return values;
  },
});

/** Comma-separated names, each one of `choices`. */
export const someOf = <C extends string>(initial: C[], choices: readonly C[]): Option<C[]> => ({
  initial,
  parse: (raw, flag) => {
    const values = raw.split(',');
    if (values.some((v) => !choices.includes(v as C)))
      throw new UsageError(`${flag} takes ${choices.join(', ')}, got ${raw}`);
    return values as C[];
  },
});

/** The stack profile the benchmark starts (its own ports and data folder). */
export const profile = (initial: StackProfile = 'bench'): Option<StackProfile> => ({
  initial,
  parse: (raw, flag) => {
    if (!isStackProfile(raw)) throw new UsageError(`${flag} needs a stack profile such as bench or test3, got ${raw}`);
    return raw;
  },
});

/** Free text, such as extra NODE_OPTIONS. */
export const text = (initial: string): Option<string> => ({ initial, parse: (raw) => raw });

/** An option that is absent unless given (the service's own default applies then). */
export const optional = <T>(option: Option<T>): Option<T | undefined> => ({ initial: undefined, parse: option.parse });

type Values<S> = { [K in keyof S]: S[K] extends Option<infer T> ? T : never };

const flagOf = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * `spec` holds the options that take a value; `switches` the ones that are on when given (`--cpu-prof`),
 * returned as booleans under their camelCase names.
 */
export function benchArgs<S extends Record<string, Option<unknown>>, W extends string = never>(
  usage: string,
  spec: S,
  switches: readonly W[] = [],
  argv: string[] = process.argv.slice(2),
): Values<S> & Record<W, boolean> {
  try {
    const { values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(spec).map((key) => [flagOf(key), { type: 'string' as const }])),
        ...Object.fromEntries(switches.map((key) => [flagOf(key), { type: 'boolean' as const }])),
      },
      strict: true,
      allowPositionals: false,
    });
    if (values['help']) {
      console.log(usage);
      process.exit(0);
    }
    const given = values as Record<string, string | boolean | undefined>;
    return Object.fromEntries([
      ...Object.entries(spec).map(([key, option]) => {
        const raw = given[flagOf(key)];
        return [key, typeof raw === 'string' ? option.parse(raw, `--${flagOf(key)}`) : option.initial];
      }),
      ...switches.map((key) => [key, given[flagOf(key)] === true]),
    ]) as Values<S> & Record<W, boolean>;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
