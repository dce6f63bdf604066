import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { IntervalRunner, LOGGER } from '@rapport/platform-runtime';
import { LOYALTY_CONFIG, type LoyaltyConfig } from '../config/loyalty.config';
import { ExpiryService } from './expiry.service';

/**
 * Expires points, releases redemption holds that ran out and reviews tiers on an interval
 * (LOYALTY_JOB_INTERVAL_MS, default one minute; 0 turns it off). All are safe to run twice and on
 * several replicas at once: each member is handled under its row lock, holds are released by one
 * conditional statement that skips rows another run holds, and a second pass finds nothing left to do.
 */
@Injectable()
export class LedgerScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: IntervalRunner;
  private readonly interval: number;

  constructor(
    private readonly jobs: ExpiryService,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(LOYALTY_CONFIG) config: LoyaltyConfig,
  ) {
    this.interval = config.LOYALTY_JOB_INTERVAL_MS;
    this.runner = new IntervalRunner(
      async () => {
        const { expired, holds, tiers } = await this.jobs.run(new Date());
        if (expired.points > 0 || holds.holds > 0 || tiers.changed > 0)
          this.log.info({ expired, holds, tiers }, 'loyalty jobs ran');
      },
      (error) => this.log.warn({ err: error }, 'loyalty jobs failed; the next tick retries'),
    );
  }

  onApplicationBootstrap(): void {
    this.runner.start(this.interval);
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }
}
