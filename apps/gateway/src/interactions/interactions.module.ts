import { Module } from '@nestjs/common';
import { CadencesController } from './cadences.controller';
import { FollowUpsController } from './follow-ups.controller';
import { InteractionsController } from './interactions.controller';

@Module({ controllers: [InteractionsController, FollowUpsController, CadencesController] })
export class InteractionsModule {}
