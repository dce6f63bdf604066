import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import type { EntityManager } from 'typeorm';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { ScoresRepository, type ScoreToApply } from './scores.repository';

/** analytics' customer.scored: the value tier and churn risk on the customer, and the lifecycle moves they cause. */
@Injectable()
export class ScoresService {
  constructor(
    private readonly scores: ScoresRepository,
    private readonly lifecycle: LifecycleService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Runs inside the inbox transaction of the event (a redelivery never gets here twice). */
  async apply(manager: EntityManager, score: ScoreToApply): Promise<boolean> {
    const applied = await this.scores.apply(manager, score);
    if (!applied) {
      this.logger.debug(
        { customerId: score.customerId, scoredAt: score.scoredAt },
        'score ignored (unknown, merged or erased customer, or not newer)',
      );
      return false;
    }
    await this.lifecycle.onScore(manager, score.customerId, applied.stage, score);
    return true;
  }
}
