import { Module } from '@nestjs/common';
import { LedgerCoreModule } from '../ledger/ledger-core.module';
import { ProgrammeModule } from '../programme/programme.module';
import { RedemptionsModule } from '../redemptions/redemptions.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { MergesService } from './merges.service';

/** customer.merged in loyalty (MergesService.merge), called in the inbox transaction of the event. */
@Module({
  imports: [LedgerCoreModule, ProgrammeModule, ReferralsModule, RedemptionsModule],
  providers: [MergesService],
  exports: [MergesService],
})
export class MergesModule {}
