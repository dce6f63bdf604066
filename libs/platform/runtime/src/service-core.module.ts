import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { consumerGroupOf, deadLetterTopicOf, type ServiceName } from '@rapport/contracts';
import { createServiceDataSource, poolStats, runMigrations } from '@rapport/platform-database';
import {
  createMessageBus,
  KafkaEventsServer,
  messagingTablesMigration,
  OutboxRelay,
  OutboxWriter,
  type MessageBus,
  type RecordProducer,
} from '@rapport/platform-messaging';
import { createLogger, observeConnectionPool, type Logger } from '@rapport/platform-observability';
import { DataSource, type MigrationInterface, type EntitySchema } from 'typeorm';
import { HealthController } from './health.controller';
import { InternalAuthGuard } from './internal-auth.guard';
import { ServiceLifecycle } from './lifecycle';
import { OUTBOX_RELAY } from './service-core.providers';
import { loadServiceConfig, type ServiceConfig } from './service-config';
import { EVENT_PRODUCER, LOGGER, MESSAGE_BUS, SERVICE_CONFIG, SERVICE_DEFINITION } from './tokens';

export interface ServiceDefinition {
  name: ServiceName;
  /** The service's own migrations; the outbox/inbox tables are added in front of them. */
  migrations: Array<new () => MigrationInterface>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Array<Function | EntitySchema>;
  /** Services require the gateway-signed caller identity on every route but health and metrics. */
  requireCallerIdentity: boolean;
}

export function dataSourceFor(definition: ServiceDefinition, config: ServiceConfig): DataSource {
  return createServiceDataSource({
    url: config.DATABASE_URL,
    ssl: config.DATABASE_SSL,
    schema: config.DB_SCHEMA,
    applicationName: `rapport-${definition.name}`,
    poolMax: config.DB_POOL_MAX,
    migrations: [messagingTablesMigration(config.DB_SCHEMA), ...definition.migrations],
    entities: definition.entities ?? [],
  });
}

/**
 * Everything a Rapport service needs from the platform, wired once: validated config, JSON logger,
 * the schema-bound data source (migrated on start unless a Job does it), the message bus, the outbox
 * writer and relay, the Kafka events server, health, metrics, and the caller-identity guard.
 */
@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot(definition: ServiceDefinition): DynamicModule {
    return {
      module: ServiceCoreModule,
      controllers: [HealthController],
      providers: [
        Reflector,
        { provide: SERVICE_DEFINITION, useValue: definition },
        { provide: SERVICE_CONFIG, useFactory: () => loadServiceConfig(definition.name) },
        {
          provide: LOGGER,
          useFactory: (config: ServiceConfig) => createLogger(definition.name, config.LOG_LEVEL),
          inject: [SERVICE_CONFIG],
        },
        {
          provide: DataSource,
          inject: [SERVICE_CONFIG, LOGGER],
          useFactory: async (config: ServiceConfig, logger: Logger) => {
            const dataSource = dataSourceFor(definition, config);
            await dataSource.initialize();
            observeConnectionPool(() => poolStats(dataSource));
            if (config.DB_MIGRATE_ON_START) {
              const applied = await runMigrations(dataSource, config.DB_SCHEMA);
              if (applied.length > 0) logger.info({ applied }, 'migrations applied');
            }
            return dataSource;
          },
        },
        {
          provide: MESSAGE_BUS,
          inject: [SERVICE_CONFIG, LOGGER],
          useFactory: (config: ServiceConfig, logger: Logger): MessageBus =>
            createMessageBus(
              {
                clientId: config.KAFKA_CLIENT_ID,
                brokers: config.KAFKA_BROKERS,
                ssl: config.KAFKA_SSL,
                consumerSessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
                ...(config.KAFKA_SASL_MECHANISM
                  ? {
                      sasl: {
                        mechanism: config.KAFKA_SASL_MECHANISM,
                        username: config.KAFKA_SASL_USERNAME!,
                        password: config.KAFKA_SASL_PASSWORD!,
                      },
                    }
                  : {}),
              },
              logger,
            ),
        },
        { provide: EVENT_PRODUCER, inject: [MESSAGE_BUS], useFactory: (bus: MessageBus) => bus.producer() },
        {
          provide: OutboxWriter,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) => new OutboxWriter(config.DB_SCHEMA),
        },
        {
          provide: OUTBOX_RELAY,
          inject: [DataSource, EVENT_PRODUCER, LOGGER, SERVICE_CONFIG],
          useFactory: (dataSource: DataSource, producer: RecordProducer, logger: Logger, config: ServiceConfig) =>
            new OutboxRelay(dataSource, producer, logger, {
              schema: config.DB_SCHEMA,
              listenUrl: config.DATABASE_URL,
              pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
              batchSize: config.OUTBOX_BATCH_SIZE,
            }),
        },
        {
          provide: KafkaEventsServer,
          inject: [MESSAGE_BUS, EVENT_PRODUCER, DataSource, LOGGER, SERVICE_CONFIG],
          useFactory: (
            bus: MessageBus,
            producer: RecordProducer,
            dataSource: DataSource,
            logger: Logger,
            config: ServiceConfig,
          ) =>
            new KafkaEventsServer(bus, producer, dataSource, config.DB_SCHEMA, logger, {
              consumerGroup: consumerGroupOf(definition.name),
              deadLetterTopic: deadLetterTopicOf(definition.name).name,
              maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
              retryBaseMs: config.CONSUMER_RETRY_BASE_MS,
              retryMaxMs: config.CONSUMER_RETRY_MAX_MS,
              partitionConcurrency: config.CONSUMER_PARTITION_CONCURRENCY,
              batchSize: config.CONSUMER_BATCH_SIZE,
            }),
        },
        ServiceLifecycle,
        ...(definition.requireCallerIdentity
          ? [
              {
                provide: APP_GUARD,
                inject: [Reflector, SERVICE_CONFIG],
                useFactory: (reflector: Reflector, config: ServiceConfig) =>
                  new InternalAuthGuard(reflector, config.INTERNAL_AUTH_SECRET),
              },
            ]
          : []),
      ],
      exports: [
        SERVICE_CONFIG,
        SERVICE_DEFINITION,
        LOGGER,
        DataSource,
        MESSAGE_BUS,
        EVENT_PRODUCER,
        OutboxWriter,
        OUTBOX_RELAY,
        KafkaEventsServer,
      ],
    };
  }
}
