import { DataSource, type MigrationInterface, type MixedList, type EntitySchema } from 'typeorm';

export interface ServiceDataSourceOptions {
  /** The service's own role; it is granted on its schema only. */
  url: string;
  schema: string;
  applicationName: string;
  migrations: MixedList<new () => MigrationInterface>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  poolMax?: number;
  ssl?: boolean;
}

/**
 * One TypeORM data source per service, bound to the service's schema. Schema changes happen only
 * through migrations (never `synchronize`); migrations live in the service's schema too.
 */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    applicationName: options.applicationName,
    synchronize: false,
    migrationsRun: false,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    entities: options.entities ?? [],
    ssl: options.ssl ? { rejectUnauthorized: true } : false,
    extra: {
      max: options.poolMax ?? 10,
      // Unqualified names resolve to the service's own schema only.
      options: `-c search_path=${options.schema}`,
      connectionTimeoutMillis: 5_000,
    },
  });
}

/**
 * Runs pending migrations under an advisory lock, so replicas starting together (or a migration Job
 * racing a pod) apply each migration once.
 */
export async function runMigrations(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`rapport-migrations:${schema}`]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`rapport-migrations:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}

/** Readiness: can we run a query right now? */
export async function pingDatabase(dataSource: DataSource, timeoutMs = 2_000): Promise<void> {
  if (!dataSource.isInitialized) throw new Error('database not initialised');
  await withTimeout(dataSource.query('SELECT 1'), timeoutMs, 'database ping timed out');
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}

/** What node-postgres's Pool tells about itself. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max: number };
}

/** The pool of an initialised data source right now (connections in use, idle, waiting queries, the maximum); undefined before it connects. */
export function poolStats(
  dataSource: DataSource,
): { used: number; idle: number; pending: number; max: number } | undefined {
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  if (!dataSource.isInitialized || !pool) return undefined;
  return {
    used: pool.totalCount - pool.idleCount,
    idle: pool.idleCount,
    pending: pool.waitingCount,
    max: pool.options.max,
  };
}
