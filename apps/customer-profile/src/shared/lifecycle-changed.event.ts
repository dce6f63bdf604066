import { LifecycleChangedV1, type LifecycleStage } from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';

/** lifecycle.changed as every path writes it: a single move, a purchase import, the churn job. */
export function lifecycleChangedEvent(
  customerId: string,
  move: { from: LifecycleStage; to: LifecycleStage; reason: string },
  changedAt: Date | string,
): PendingEvent<typeof LifecycleChangedV1> {
  return {
    definition: LifecycleChangedV1,
    subject: customerId,
    data: {
      customerId,
      from: move.from,
      to: move.to,
      reason: move.reason,
      changedAt: new Date(changedAt).toISOString(),
    },
  };
}
