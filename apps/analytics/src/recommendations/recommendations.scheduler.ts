import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { IntervalRunner, LOGGER } from '@rapport/platform-runtime';
import { RECOMMENDATIONS_CONFIG, type RecommendationsConfig } from './recommendations.config';
import { RecommendationsService } from './recommendations.service';

/**
 * Every replica checks each ANALYTICS_RECOMMENDATIONS_TICK_MS whether a model build is due (none yet,
 * the last one ANALYTICS_RECOMMENDATIONS_INTERVAL_MS ago, or the last saw no basket and there are some
 * now); the build's advisory lock and the due check inside its transaction make it happen once across
 * replicas. An interval of 0 turns scheduled builds off.
 */
@Injectable()
export class RecommendationsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: IntervalRunner;

  constructor(
    private readonly recommendations: RecommendationsService,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(RECOMMENDATIONS_CONFIG) private readonly config: RecommendationsConfig,
  ) {
    this.runner = new IntervalRunner(
      async () => {
        const outcome = await this.recommendations.build('schedule', new Date());
        if (outcome.built) {
          const { id, baskets, evaluation } = outcome.build;
          this.log.info(
            { buildId: id, baskets, hitRate: evaluation.model.hitRate, baselineHitRate: evaluation.baseline.hitRate },
            'recommendation model built',
          );
        }
      },
      (error) => this.log.warn({ err: error }, 'recommendation model build failed; the next tick retries'),
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.ANALYTICS_RECOMMENDATIONS_INTERVAL_MS > 0 && this.config.ANALYTICS_RECOMMENDATIONS_TICK_MS > 0)
      this.runner.start(this.config.ANALYTICS_RECOMMENDATIONS_TICK_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }
}
