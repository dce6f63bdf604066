import { Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@rapport/platform-runtime';
import {
  keysetPages,
  type ErasureOutcome,
  type SectionData,
  type SubjectRightsParticipant,
} from '@rapport/platform-subject-rights';
import type { EntityManager } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import { MergesService } from '../merges/merges.service';
import { ReferralsService } from '../referrals/referrals.service';
import { LoyaltySubjectRightsRepository, type LedgerMovementExport } from './subject-rights.repository';

/**
 * loyalty in subject rights: its section of a subject access export, and what customer.erased and
 * customer.merged do to it (the library runs them in the inbox transaction and acknowledges erasures).
 *
 * Export: its section. The gateway has already checked with
 * customer-profile that the caller may see the customer; a customer loyalty never heard of gets
 * empty sections (a null account), not a 404, so the export stays whole.
 */
@Injectable()
export class LoyaltyParticipant implements SubjectRightsParticipant {
  constructor(
    private readonly repository: LoyaltySubjectRightsRepository,
    private readonly ledger: LedgerService,
    private readonly referrals: ReferralsService,
    private readonly merges: MergesService,
  ) {}

  async exportSection(customerId: string, _caller: CallerIdentity): Promise<SectionData> {
    const { redemptions, coupons } = await this.repository.redemptions(customerId);
    return {
      loyaltyAccount: await this.repository.account(customerId),
      pointsLedger: keysetPages<LedgerMovementExport>((after, limit) =>
        this.repository.movementPage(customerId, after, limit),
      ),
      pointLots: await this.repository.lots(customerId),
      purchasePoints: await this.repository.purchasePoints(customerId),
      redemptions,
      coupons,
      referrals: await this.repository.referrals(customerId),
    };
  }

  /**
   * The account (and those merged into it) is marked erased, hand-typed reasons and actors leave the
   * movements, the referral code and contact fingerprints go. Amounts, lots and balances stay, without
   * the person: the books must balance, and they name no one.
   */
  async erase(manager: EntityManager, customerId: string): Promise<ErasureOutcome> {
    const { formerIds, accounts, movements } = await this.ledger.erase(manager, customerId);
    const removed = { accounts, movementNotes: movements, referralCodes: 0, contactFingerprints: 0 };
    for (const id of [customerId, ...formerIds]) {
      const referral = await this.referrals.erase(manager, id);
      removed.referralCodes += referral.referralCodes;
      removed.contactFingerprints += referral.contactFingerprints;
    }
    return {
      removed,
      kept: [
        {
          what: 'points movements, lots and balances, by customer id, without reasons or actors',
          why: 'the points ledger must balance (double entry); amounts name no one',
        },
      ],
    };
  }

  /** Balance, lots with their expiry, purchases, redemptions, tier and referrals go to the survivor (MergesService). */
  async merge(manager: EntityManager, sourceId: string, survivorId: string): Promise<void> {
    await this.merges.merge(manager, sourceId, survivorId);
  }
}
