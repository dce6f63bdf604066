import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
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
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  private readonly interval: number;

  constructor(
    private readonly jobs: ExpiryService,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(LOYALTY_CONFIG) config: LoyaltyConfig,
  ) {
    this.interval = config.LOYALTY_JOB_INTERVAL_MS;
  }

  onApplicationBootstrap(): void {
    const interval = this.interval;
    if (interval <= 0) return;
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      try {
        const { expired, holds, tiers } = await this.jobs.run(new Date());
        if (expired.points > 0 || holds.holds > 0 || tiers.changed > 0)
          this.log.info({ expired, holds, tiers }, 'loyalty jobs ran');
      } catch (error) {
        this.log.warn({ err: error }, 'loyalty jobs failed; the next tick retries');
      } finally {
        this.running = undefined;
      }
    })();
    await this.running;
  }
}
