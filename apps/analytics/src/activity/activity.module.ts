import { Module } from '@nestjs/common';
import { PurchaseLedgerModule } from '../purchase-ledger/purchase-ledger.module';
import { ActivityConsumer } from './activity.consumer';
import { ActivityRepository } from './activity.repository';
import { ActivityService } from './activity.service';

@Module({
  imports: [PurchaseLedgerModule],
  controllers: [ActivityConsumer],
  providers: [ActivityRepository, ActivityService],
  // for the subject-rights participant (export, merge re-key, erase) and the KPIs' reads
  exports: [ActivityRepository],
})
export class ActivityModule {}
