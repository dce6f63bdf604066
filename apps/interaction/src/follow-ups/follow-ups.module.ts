import { Module } from '@nestjs/common';
import { CustomerRefsModule } from '../customer-refs/customer-refs.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { FollowUpCalendar } from '../shared/follow-up-calendar';
import { FollowUpsController } from './follow-ups.controller';
import { FollowUpsRepository } from './follow-ups.repository';
import { FollowUpsScheduler } from './follow-ups.scheduler';
import { FollowUpsService } from './follow-ups.service';

@Module({
  imports: [CustomerRefsModule, InteractionsModule],
  controllers: [FollowUpsController],
  providers: [FollowUpsRepository, FollowUpsService, FollowUpsScheduler, FollowUpCalendar],
  // the repository for interaction's subject-rights participant; the service and calendar for cadences
  exports: [FollowUpsRepository, FollowUpsService, FollowUpCalendar],
})
export class FollowUpsModule {}
