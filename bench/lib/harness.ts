import * as os from 'node:os';
import { killAllSync, Stack, type StackInfo, type StackProfile } from '@rapport/stack';
import { Client } from 'pg';

/** The gateway's rate limit lifted: a benchmark measures the platform, not its throttle. */
export const UNTHROTTLED = { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' } as const;

export const loadAverage = (): number => Number(os.loadavg()[0]!.toFixed(2));

export interface OnStack extends StackInfo {
  /** A client of the stack's database (superuser), for loading data and for the bare-SQL bounds. */
  db: Client;
}

/**
 * The frame of a benchmark on a fresh local stack: prints `heading` with the machine and its load, starts
 * the stack (`serviceEnv` for every service), opens a database client, runs `measure`, prints the figures
 * it returns as the last line of JSON (`{bench, date, cores, …figures}`), and stops the stack whatever
 * happens. Exits 0, or 1 with the error.
 */
export function benchOnStack(
  bench: string,
  options: { heading: string; profile: StackProfile; serviceEnv?: NodeJS.ProcessEnv },
  measure: (stack: OnStack) => Promise<Record<string, unknown>>,
): void {
  const run = async () => {
    process.removeAllListeners('warning');
    const stack = new Stack({
      profile: options.profile,
      fresh: true,
      serviceEnv: options.serviceEnv ?? {},
      log: (line) => process.stderr.write(`[stack] ${line}\n`),
    });
    process.on('exit', () => killAllSync());
    const cores = os.cpus().length;
    console.log(`${options.heading}; ${cores} cores, node ${process.version}, load average ${loadAverage()} at start`);
    try {
      const info = await stack.start();
      const db = new Client({ connectionString: info.databaseUrl });
      await db.connect();
      try {
        const figures = await measure({ ...info, db });
        console.log(JSON.stringify({ bench, date: new Date().toISOString(), cores, ...figures }));
      } finally {
        await db.end();
      }
    } finally {
      await stack.stop();
    }
  };
  run().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
