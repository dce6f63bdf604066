import { Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { keysetPages, type SectionData, type SubjectRightsParticipant } from '@rapport/platform-subject-rights';
import { LoyaltySubjectRightsRepository, type LedgerMovementExport } from './subject-rights.repository';

/**
 * loyalty's section of a subject access export. The gateway has already checked with
 * customer-profile that the caller may see the customer; a customer loyalty never heard of gets
 * empty sections (a null account), not a 404, so the export stays whole.
 */
@Injectable()
export class LoyaltyParticipant implements SubjectRightsParticipant {
  constructor(private readonly repository: LoyaltySubjectRightsRepository) {}

  async exportSection(customerId: string, _caller: CallerIdentity): Promise<SectionData> {
    const { redemptions, coupons } = await this.repository.redemptions(customerId);
    return {
      loyaltyAccount: await this.repository.account(customerId),
      pointsLedger: keysetPages<LedgerMovementExport>((after, limit) => this.repository.movementPage(customerId, after, limit)),
      pointLots: await this.repository.lots(customerId),
      purchasePoints: await this.repository.purchasePoints(customerId),
      redemptions,
      coupons,
      referrals: await this.repository.referrals(customerId),
    };
  }
}
