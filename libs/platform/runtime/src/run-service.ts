import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@rapport/platform-config';
import { runMigrations } from '@rapport/platform-database';
import { KafkaEventsServer } from '@rapport/platform-messaging';
import { createLogger, NestJsonLogger, type Logger } from '@rapport/platform-observability';
import { createValidationPipe, httpMetrics, jsonBody, ProblemDetailsFilter, requestId } from '@rapport/platform-http';
import { loadServiceConfig, type ServiceConfig } from './service-config';
import { dataSourceFor, type ServiceDefinition } from './service-core.module';

export interface RunServiceOptions {
  definition: ServiceDefinition;
  rootModule: Type<unknown>;
  /** Extra HTTP set-up (OpenAPI docs, CORS, security headers) applied before listen. */
  configure?: (app: INestApplication, config: ServiceConfig, logger: Logger) => void | Promise<void>;
}

/**
 * The entry point of every service: `main.js` starts the hybrid app (HTTP + Kafka consumer);
 * `main.js migrate` applies the migrations and exits (the Helm pre-upgrade Job runs that).
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const { definition } = options;
  const bootLogger = createLogger(definition.name);
  let config: ServiceConfig;
  try {
    config = loadServiceConfig(definition.name);
  } catch (error) {
    if (error instanceof ConfigError) {
      bootLogger.fatal(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  if (process.argv[2] === 'migrate') {
    const dataSource = dataSourceFor(definition, config);
    await dataSource.initialize();
    const applied = await runMigrations(dataSource, config.DB_SCHEMA);
    logger.info({ applied }, `migrations done (${applied.length} applied)`);
    await dataSource.destroy();
    return;
  }

  const app = await NestFactory.create(options.rootModule, { bodyParser: false, logger: new NestJsonLogger(logger) });
  prepareServiceHttp(app, config, logger);
  await options.configure?.(app, config, logger);
  // The app's global filter hands event-handler errors back as they are (see ProblemDetailsFilter).
  app.connectMicroservice({ strategy: app.get(KafkaEventsServer) }, { inheritAppConfig: true });
  // process.exit() rather than re-raising the signal: pino writes stdout asynchronously and flushes
  // on 'exit', which a re-raised SIGTERM skips (the last lines, "stopped" among them, were lost).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  logger.info({ port: config.PORT }, `${definition.name} ready to serve`);
}

/**
 * The HTTP pipeline every service has: request ids, metrics, the JSON body limit, problem+json for
 * every error and the validation pipe. Shared with the medium test tier, which boots a service in
 * process (libs/testing startServiceInProcess) and must answer exactly as the deployed one.
 */
export function prepareServiceHttp(
  app: INestApplication,
  config: Pick<ServiceConfig, 'HTTP_BODY_LIMIT'>,
  logger: Logger,
): void {
  app.use(requestId);
  app.use(httpMetrics);
  app.use(jsonBody(config.HTTP_BODY_LIMIT));
  app.useGlobalFilters(new ProblemDetailsFilter(logger));
  app.useGlobalPipes(createValidationPipe());
}
