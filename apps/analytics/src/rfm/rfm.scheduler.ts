import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { IntervalRunner, LOGGER } from '@rapport/platform-runtime';
import { ANALYTICS_CONFIG, type AnalyticsConfig } from '../analytics.config';
import { RfmService } from './rfm.service';

/**
 * Every replica checks each ANALYTICS_SCORING_TICK_MS whether a full run is due (none yet, or the last
 * started ANALYTICS_SCORING_INTERVAL_MS ago); the run's advisory lock and the due check inside its
 * transaction make it happen once across replicas. An interval of 0 turns full runs off.
 */
@Injectable()
export class RfmScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: IntervalRunner;

  constructor(
    private readonly rfm: RfmService,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {
    this.runner = new IntervalRunner(
      async () => {
        const outcome = await this.rfm.runIfDue(new Date());
        if (outcome.ran) this.log.info(outcome, 'full scoring run finished');
      },
      (error) => this.log.warn({ err: error }, 'full scoring run failed; the next tick retries'),
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.ANALYTICS_SCORING_INTERVAL_MS > 0) this.runner.start(this.config.ANALYTICS_SCORING_TICK_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }
}
