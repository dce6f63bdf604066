import { Module } from '@nestjs/common';
import { FollowUpsController } from './follow-ups.controller';
import { InteractionsController } from './interactions.controller';

@Module({ controllers: [InteractionsController, FollowUpsController] })
export class InteractionsModule {}
