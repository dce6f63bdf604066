import { Module } from '@nestjs/common';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import { ActivityConsumer } from './activity.consumer';
import { ActivityRepository } from './activity.repository';
import { ActivityService } from './activity.service';

@Module({
  controllers: [ActivityConsumer],
  providers: [ActivityRepository, ActivityService, MergedCustomers],
  // for the subject-rights participant (export, merge re-key, erase) and the KPIs' reads
  exports: [ActivityRepository],
})
export class ActivityModule {}
