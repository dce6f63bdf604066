import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { CustomerJobsScheduler } from './customer-jobs.scheduler';
import { OwnershipController } from './ownership.controller';
import { OwnershipRepository } from './ownership.repository';
import { OwnershipService } from './ownership.service';

@Module({
  imports: [LifecycleModule],
  controllers: [OwnershipController],
  providers: [OwnershipRepository, OwnershipService, CustomerJobsScheduler],
})
export class OwnershipModule {}
