import { Module } from '@nestjs/common';
import { CampaignsController, SmsWebhookController } from './campaigns.controller';
import { PublicUnsubscribeController } from './public-unsubscribe.controller';

@Module({ controllers: [CampaignsController, SmsWebhookController, PublicUnsubscribeController] })
export class CampaignsModule {}
