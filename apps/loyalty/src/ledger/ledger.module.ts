import { Module } from '@nestjs/common';
import { LoyaltyConfigModule } from '../config/loyalty-config.module';
import { MergesModule } from '../merges/merges.module';
import { ProgrammeModule } from '../programme/programme.module';
import { RedemptionsModule } from '../redemptions/redemptions.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { AdminController } from './admin.controller';
import { ExpiryService } from './expiry.service';
import { LedgerConsumer } from './ledger.consumer';
import { LedgerCoreModule } from './ledger-core.module';
import { LedgerScheduler } from './ledger.scheduler';
import { LedgerService } from './ledger.service';
import { MembersController } from './members.controller';

@Module({
  imports: [LedgerCoreModule, ProgrammeModule, ReferralsModule, RedemptionsModule, MergesModule, LoyaltyConfigModule],
  controllers: [MembersController, AdminController, LedgerConsumer],
  providers: [LedgerService, ExpiryService, LedgerScheduler],
  exports: [LedgerService],
})
export class LedgerModule {}
