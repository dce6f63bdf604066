import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { ScoresRepository, type ScoreToApply } from './scores.repository';

/** analytics' customer.scored: the value tier and churn risk on the customer, and the lifecycle moves they cause. */
@Injectable()
export class ScoresService {
  private readonly logger = new Logger(ScoresService.name);

  constructor(
    private readonly scores: ScoresRepository,
    private readonly lifecycle: LifecycleService,
  ) {}

  /** Runs inside the inbox transaction of the event (a redelivery never gets here twice). */
  async apply(manager: EntityManager, score: ScoreToApply): Promise<boolean> {
    const applied = await this.scores.apply(manager, score);
    if (!applied) {
      this.logger.debug(`score of ${score.customerId} at ${score.scoredAt} ignored (unknown, merged or erased customer, or not newer)`);
      return false;
    }
    await this.lifecycle.onScore(manager, score.customerId, applied.stage, score);
    return true;
  }
}
