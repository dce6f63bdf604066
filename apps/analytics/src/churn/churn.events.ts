import { ChurnRiskRaisedV1 } from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import type { ChurnRecord } from './churn.repository';

/** churn.risk-raised, built in one place for the incremental path and the full run. */
export function churnRiskRaisedEvent(
  record: ChurnRecord,
  previous: number | null,
  threshold: number,
): PendingEvent<typeof ChurnRiskRaisedV1> {
  return {
    definition: ChurnRiskRaisedV1,
    subject: record.customerId,
    data: {
      customerId: record.customerId,
      churnRisk: record.risk,
      threshold,
      previousRisk: previous,
      pAlive: record.pAlive,
      method: record.method,
      drivers: record.drivers,
      raisedAt: record.computedAt.toISOString(),
    },
  };
}
