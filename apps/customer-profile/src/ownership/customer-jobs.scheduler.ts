import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { FEATURE_CONFIG, type FeatureConfig } from '../shared/feature.config';
import { OwnershipService } from './ownership.service';

/**
 * Runs the pool recycle and the churn check on a timer. Both jobs are set-based, skip rows locked
 * by another replica and change nothing when run again, so every replica may run the timer.
 */
@Injectable()
export class CustomerJobsScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ownership: OwnershipService,
    private readonly lifecycle: LifecycleService,
    @Inject(FEATURE_CONFIG) private readonly config: FeatureConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.CUSTOMER_JOBS_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.runOnce().finally(() => (this.running = undefined));
    }, this.config.CUSTOMER_JOBS_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      const recycled = await this.ownership.recycleInactive();
      const churned = await this.lifecycle.churnInactive();
      if (recycled.length || churned.length)
        this.logger.info(
          { recycled: recycled.length, churned: churned.length },
          'customer jobs: recycled to the pool, churned',
        );
    } catch (error) {
      this.logger.warn({ err: error }, 'customer jobs failed, retrying at the next tick');
    }
  }
}
