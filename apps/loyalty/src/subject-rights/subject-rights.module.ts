import { SubjectRightsModule } from '@rapport/platform-subject-rights';
import { LedgerModule } from '../ledger/ledger.module';
import { MergesModule } from '../merges/merges.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { LoyaltyParticipant } from './loyalty.participant';
import { LoyaltySubjectRightsRepository } from './subject-rights.repository';

/** loyalty in subject rights: its internal export route, and erase and merge driven by the library. */
export const LoyaltySubjectRightsModule = SubjectRightsModule.forParticipant({
  service: 'loyalty',
  participant: LoyaltyParticipant,
  imports: [LedgerModule, ReferralsModule, MergesModule],
  providers: [LoyaltySubjectRightsRepository],
});
