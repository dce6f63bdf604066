import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { CreateMembers1764000005000 } from './database/migrations/1764000005000-CreateMembers';
import { CreatePointsLedger1764000500000 } from './database/migrations/1764000500000-CreatePointsLedger';
import { CreateReferrals1764000501000 } from './database/migrations/1764000501000-CreateReferrals';
import { AddCouponUse1764000502000 } from './database/migrations/1764000502000-AddCouponUse';
import { AddRedemptionHolds1764000510000 } from './database/migrations/1764000510000-AddRedemptionHolds';
import { CreateMemberFingerprints1764000520000 } from './database/migrations/1764000520000-CreateMemberFingerprints';
import { LedgerModule } from './ledger/ledger.module';
import { RewardsModule } from './rewards/rewards.module';
import { LoyaltySubjectRightsModule } from './subject-rights/subject-rights.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'loyalty',
  migrations: [CreateMembers1764000005000, CreatePointsLedger1764000500000, CreateReferrals1764000501000, AddCouponUse1764000502000, AddRedemptionHolds1764000510000, CreateMemberFingerprints1764000520000],
  requireCallerIdentity: true,
};

@Module({ imports: [ServiceCoreModule.forRoot(serviceDefinition), LedgerModule, RewardsModule, LoyaltySubjectRightsModule] })
export class AppModule {}
