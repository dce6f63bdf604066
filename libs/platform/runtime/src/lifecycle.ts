import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { MessageBus, OutboxRelay, RecordProducer } from '@rapport/platform-messaging';
import { stopTracing, type Logger } from '@rapport/platform-observability';
import { DataSource } from 'typeorm';
import { EVENT_PRODUCER, LOGGER, MESSAGE_BUS } from './tokens';
import { OUTBOX_RELAY } from './service-core.providers';

/**
 * Start and graceful stop in one place, so the order is explicit. Nest closes HTTP and the Kafka
 * consumer (finishing the message in hand) before onApplicationShutdown; then the outbox is flushed
 * and producer, bus and pool are closed.
 */
@Injectable()
export class ServiceLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private stopping = false;

  constructor(
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(EVENT_PRODUCER) private readonly producer: RecordProducer,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get isStopping(): boolean {
    return this.stopping;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  beforeApplicationShutdown(signal?: string): void {
    this.stopping = true;
    this.logger.info({ signal }, 'shutting down: readiness off, finishing in-flight work');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.relay.stop();
    await this.producer.disconnect();
    await this.bus.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.info('stopped');
    await stopTracing();
  }
}
