import { SubjectRightsModule } from '@rapport/platform-subject-rights';
import { LoyaltyParticipant } from './loyalty.participant';
import { LoyaltySubjectRightsRepository } from './subject-rights.repository';

/** loyalty in subject rights: its internal export route (see @rapport/platform-subject-rights). */
export const LoyaltySubjectRightsModule = SubjectRightsModule.forParticipant({
  service: 'loyalty',
  participant: LoyaltyParticipant,
  providers: [LoyaltySubjectRightsRepository],
});
