import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { CustomerJobsScheduler } from './customer-jobs.scheduler';
import { loadOwnershipConfig, OWNERSHIP_CONFIG } from './ownership.config';
import { OwnershipController } from './ownership.controller';
import { TeamsController } from './teams.controller';
import { TeamsRepository } from './teams.repository';
import { OwnershipRepository } from './ownership.repository';
import { OwnershipService } from './ownership.service';

@Module({
  imports: [LifecycleModule],
  controllers: [OwnershipController, TeamsController],
  providers: [
    OwnershipRepository,
    TeamsRepository,
    OwnershipService,
    CustomerJobsScheduler,
    { provide: OWNERSHIP_CONFIG, useFactory: () => loadOwnershipConfig() },
  ],
  exports: [OwnershipRepository, OwnershipService],
})
export class OwnershipModule {}
