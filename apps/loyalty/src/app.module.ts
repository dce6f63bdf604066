import { Module } from '@nestjs/common';
import { schemaOf } from '@rapport/contracts';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { mergedCustomersMigration } from '@rapport/platform-subject-rights';
import { CreateMembers1764000005000 } from './database/migrations/1764000005000-CreateMembers';
import { CreatePointsLedger1764000500000 } from './database/migrations/1764000500000-CreatePointsLedger';
import { CreateReferrals1764000501000 } from './database/migrations/1764000501000-CreateReferrals';
import { AddCouponUse1764000502000 } from './database/migrations/1764000502000-AddCouponUse';
import { AddRedemptionHolds1764000510000 } from './database/migrations/1764000510000-AddRedemptionHolds';
import { CreateMemberFingerprints1764000520000 } from './database/migrations/1764000520000-CreateMemberFingerprints';
import { AddMemberMerges1764000530000 } from './database/migrations/1764000530000-AddMemberMerges';
import { LedgerModule } from './ledger/ledger.module';
import { ProgrammeModule } from './programme/programme.module';
import { RedemptionsModule } from './redemptions/redemptions.module';
import { ReferralsModule } from './referrals/referrals.module';
import { RewardsModule } from './rewards/rewards.module';
import { LoyaltySubjectRightsModule } from './subject-rights/subject-rights.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'loyalty',
  migrations: [
    CreateMembers1764000005000,
    CreatePointsLedger1764000500000,
    CreateReferrals1764000501000,
    AddCouponUse1764000502000,
    AddRedemptionHolds1764000510000,
    CreateMemberFingerprints1764000520000,
    AddMemberMerges1764000530000,
    // The subject-rights library's record of merges (it drives customer.merged and customer.erased here).
    mergedCustomersMigration(schemaOf('loyalty'), 1764000540000),
  ],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    ProgrammeModule,
    LedgerModule,
    RedemptionsModule,
    RewardsModule,
    ReferralsModule,
    LoyaltySubjectRightsModule,
  ],
})
export class AppModule {}
