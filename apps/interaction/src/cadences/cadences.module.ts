import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomerRefsModule } from '../customer-refs/customer-refs.module';
import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { CadencesConsumer } from './cadences.consumer';
import { CadencesController } from './cadences.controller';
import { CadencesRepository } from './cadences.repository';
import { CadencesService } from './cadences.service';

@Module({
  imports: [CustomerRefsModule, FollowUpsModule, CampaignsModule],
  controllers: [CadencesController, CadencesConsumer],
  providers: [CadencesRepository, CadencesService],
  // for interaction's subject-rights participant, which the app module registers
  exports: [CadencesRepository],
})
export class CadencesModule {}
