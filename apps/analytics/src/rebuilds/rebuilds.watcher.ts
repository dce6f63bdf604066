import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KafkaEventsServer } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { IntervalRunner, LOGGER } from '@rapport/platform-runtime';
import { ANALYTICS_CONFIG, type AnalyticsConfig } from '../analytics.config';
import { RebuildsRepository } from './rebuilds.repository';
import { RebuildsService } from './rebuilds.service';

/**
 * Every replica, each ANALYTICS_REBUILD_WATCH_MS, brings its consumer in line with the running
 * rebuild: paused while the rebuild is stopping (so the group empties and its offsets can be reset),
 * consuming otherwise. While it replays, whichever replica gets the row lock records the progress.
 * A stopping rebuild whose replica went silent for ANALYTICS_REBUILD_LEASE_MS (it crashed before
 * emptying anything) is failed here, so the replicas do not stay paused for ever.
 */
@Injectable()
export class RebuildsWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: IntervalRunner;

  constructor(
    private readonly repository: RebuildsRepository,
    private readonly rebuilds: RebuildsService,
    private readonly events: KafkaEventsServer,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {
    this.runner = new IntervalRunner(
      () => this.watch(new Date()),
      (error) => this.log.warn({ err: error }, 'rebuild watch failed; the next tick retries'),
    );
  }

  onApplicationBootstrap(): void {
    this.runner.start(this.config.ANALYTICS_REBUILD_WATCH_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }

  /** One look at the running rebuild (exposed for tests). */
  async watch(now: Date): Promise<void> {
    const running = await this.repository.findRunning();
    if (running?.phase === 'stopping') {
      const staleBefore = new Date(now.getTime() - this.config.ANALYTICS_REBUILD_LEASE_MS);
      if (running.heartbeatAt >= staleBefore) return this.events.pause();
      if (
        await this.repository.fail(
          running.id,
          'the replica coordinating the rebuild went silent while the consumers were stopping; nothing was emptied',
          staleBefore,
        )
      )
        this.log.warn({ rebuildId: running.id }, 'rebuild abandoned by its replica; consuming again');
    }
    // Progress first: resuming waits for the consumer to join its group, which takes seconds.
    if (running?.phase === 'replaying') await this.rebuilds.trackProgress(running.id);
    await this.events.resume();
  }
}
