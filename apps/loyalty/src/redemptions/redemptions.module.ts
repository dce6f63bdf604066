import { Module } from '@nestjs/common';
import { LoyaltyConfigModule } from '../config/loyalty-config.module';
import { LedgerCoreModule } from '../ledger/ledger-core.module';
import { ProgrammeModule } from '../programme/programme.module';
import { RewardsModule } from '../rewards/rewards.module';
import { RedemptionsController } from './redemptions.controller';
import { RedemptionsRepository } from './redemptions.repository';
import { RedemptionsService } from './redemptions.service';

@Module({
  imports: [LedgerCoreModule, ProgrammeModule, RewardsModule, LoyaltyConfigModule],
  controllers: [RedemptionsController],
  providers: [RedemptionsRepository, RedemptionsService],
  exports: [RedemptionsService],
})
export class RedemptionsModule {}
