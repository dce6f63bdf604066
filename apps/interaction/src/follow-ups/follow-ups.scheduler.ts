import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OutboxWriter, type PendingEvent } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { IntervalRunner, LOGGER } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import { INTERACTION_CONFIG, type InteractionConfig } from '../interaction.config';
import { followUpDueEvent, followUpOverdueEvent } from './follow-up-events';
import { FollowUpsRepository, type ClaimedTimer } from './follow-ups.repository';

/** Timers fired per transaction. */
const FIRE_BATCH = 200;

/**
 * Fires follow-up reminders (follow-up.due) and overdue events (follow-up.overdue) whose instant has
 * come, every INTERACTION_FOLLOW_UP_TICK_MS. Exactly once across replicas and restarts: a tick claims due
 * timers with their follow-ups' row locks (`FOR UPDATE … SKIP LOCKED`, so two replicas never take the same
 * one) and, in the same transaction, marks them fired and writes the events to the outbox. Rolled back,
 * nothing fired; the next tick takes them again.
 */
@Injectable()
export class FollowUpsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: IntervalRunner;
  private readonly interval: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly followUps: FollowUpsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(INTERACTION_CONFIG) config: InteractionConfig,
  ) {
    this.interval = config.INTERACTION_FOLLOW_UP_TICK_MS;
    this.runner = new IntervalRunner(
      async () => {
        const started = Date.now();
        const fired = await this.tick(new Date());
        if (fired > 0) this.log.info({ fired, ms: Date.now() - started }, 'follow-up tick');
      },
      (error) => this.log.warn({ err: error }, 'follow-up tick failed; the next tick retries'),
    );
  }

  onApplicationBootstrap(): void {
    this.runner.start(this.interval);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** One tick at `now`: fires every timer due by then; returns how many. Public for tests. */
  async tick(now: Date): Promise<number> {
    let fired = 0;
    for (;;) {
      const claimed = await this.dataSource.transaction(async (manager) => {
        const timers = await this.followUps.claimDue(manager, now, FIRE_BATCH);
        await this.outbox.addMany(
          manager,
          timers.map((timer) => eventOf(timer, now)),
        );
        return timers.length;
      });
      fired += claimed;
      if (claimed < FIRE_BATCH) break;
    }
    return fired;
  }
}

function eventOf(timer: ClaimedTimer, now: Date): PendingEvent {
  return timer.kind === 'due'
    ? followUpDueEvent(timer.followUp, timer.dueAt, timer.fireAt, now)
    : followUpOverdueEvent(timer.followUp, timer.dueAt, now);
}
