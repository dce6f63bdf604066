import { Module } from '@nestjs/common';
import { CampaignsController, InboundSmsController, UnsubscribeController } from './campaigns.controller';
import { CAMPAIGNS_CONFIG, loadCampaignsConfig } from './campaigns.config';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsSender } from './campaigns.sender';
import { CampaignsService } from './campaigns.service';

@Module({
  controllers: [CampaignsController, UnsubscribeController, InboundSmsController],
  providers: [
    CampaignsRepository,
    CampaignsService,
    CampaignsSender,
    { provide: CAMPAIGNS_CONFIG, useFactory: () => loadCampaignsConfig() },
  ],
  // for cadences' consent consumer and interaction's subject-rights participant
  exports: [CampaignsRepository, CampaignsSender],
})
export class CampaignsModule {}
