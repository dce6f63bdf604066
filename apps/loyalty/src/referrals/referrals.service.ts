import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ReferralCompletedV1,
  type EventData,
  type PurchaseRecordedV1,
  type ReferralCodeView,
  type ReferralView,
} from '@rapport/contracts';
import { OutboxWriter, TransientError } from '@rapport/platform-messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { AccountsRepository, type LockedAccount } from '../ledger/accounts.repository';
import { parseDecimal } from '../ledger/money';
import { PostingService } from '../ledger/posting.service';
import { PurchasesRepository } from '../ledger/purchases.repository';
import type { Programme } from '../programme/programme';
import { ReferralErrorCode, ReferralException } from './referral.exception';
import { ReferralsRepository } from './referrals.repository';

/** A friend's first purchase rewards both sides once; loyalty holds only keyed hashes of contacts to refuse self-dealing. */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly referrals: ReferralsRepository,
    private readonly accounts: AccountsRepository,
    private readonly purchases: PurchasesRepository,
    private readonly posting: PostingService,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The member's code to hand to friends. */
  async code(customerId: string): Promise<ReferralCodeView> {
    await this.dataSource.transaction((manager) => this.posting.lockOpenAccount(manager, customerId));
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = await this.referrals.issueCode(customerId, randomBytes(5).toString('hex').toUpperCase());
      if (code) return { customerId, code };
    }
    throw new Error('could not issue a unique referral code');
  }

  /**
   * A new customer names who referred them, before their first purchase. Self-referral, mutual
   * referral and referral between customers sharing a phone, email or identifier are refused (the
   * latter by the contact fingerprints customer-profile publishes: loyalty holds no readable contact).
   */
  async register(referredId: string, code: string): Promise<ReferralView> {
    return this.dataSource.transaction(async (manager) => {
      await this.posting.lockOpenAccount(manager, referredId);
      const codeHolder = await this.referrals.referrerByCode(manager, code);
      // The code of a customer merged into another refers for the survivor.
      const referrerId = codeHolder && (await this.accounts.survivorOf(manager, codeHolder));
      if (!referrerId)
        throw new ReferralException(
          ReferralErrorCode.UnknownReferralCode,
          `No member has the referral code ${code}`,
          'code',
        );
      if (referrerId === referredId)
        throw new ReferralException(ReferralErrorCode.SelfReferral, 'A member cannot refer themselves', 'code');
      if (await this.referrals.lockOf(manager, referredId)) {
        throw new ReferralException(ReferralErrorCode.AlreadyReferred, `Customer ${referredId} was already referred`);
      }
      if (await this.purchases.hasAny(manager, referredId)) {
        throw new ReferralException(
          ReferralErrorCode.AlreadyPurchased,
          'A referral must be registered before the first purchase',
        );
      }
      const reverse = await this.referrals.lockOf(manager, referrerId);
      if (reverse?.referrerId === referredId) {
        throw new ReferralException(ReferralErrorCode.MutualReferral, 'Two members cannot refer each other', 'code');
      }
      // Equal contact fingerprints (keyed hashes from customer-profile): likely the same person twice.
      if (await this.referrals.shareContact(manager, referredId, referrerId)) {
        throw new ReferralException(
          ReferralErrorCode.SharedContact,
          'The referrer and the referred customer share a phone, email or identifier',
          'code',
        );
      }
      const createdAt = await this.referrals.insert(manager, referredId, referrerId);
      return { referredId, referrerId, status: 'pending' as const, createdAt: createdAt.toISOString() };
    });
  }

  /**
   * Rewards both sides once, on the referred member's first purchase of at least the programme's
   * minimum. Runs in the earning transaction, which holds the referred member's lock.
   */
  async complete(
    manager: EntityManager,
    referred: LockedAccount,
    config: Programme,
    purchase: EventData<typeof PurchaseRecordedV1>,
  ): Promise<void> {
    const referral = await this.referrals.lockOf(manager, referred.customerId);
    if (!referral || referral.status !== 'pending') return;
    if (parseDecimal(purchase.totalBase) < parseDecimal(config.referral.minPurchase)) return;
    const at = new Date(purchase.occurredAt);
    const tag = `referral:${referred.customerId}`;
    if (config.referral.referredPoints > 0) {
      await this.posting.credit(manager, referred, config, config.referral.referredPoints, {
        sourceId: `${tag}:referred`,
        reason: 'referral',
        earnedAt: at,
      });
    }
    const referrer = await this.accounts.lock(manager, referral.referrerId);
    // The referrer was merged away while this waited for its lock: retry, the referral now names the survivor.
    if (referrer?.mergedInto)
      throw new TransientError(`referrer ${referral.referrerId} was merged into ${referrer.mergedInto} meanwhile`);
    if (referrer && !referrer.erased && config.referral.referrerPoints > 0) {
      await this.posting.credit(manager, referrer, config, config.referral.referrerPoints, {
        sourceId: `${tag}:referrer`,
        reason: 'referral',
        earnedAt: at,
      });
    }
    await this.referrals.complete(manager, referred.customerId);
    await this.outbox.add(manager, ReferralCompletedV1, referred.customerId, {
      customerId: referred.customerId,
      referrerId: referral.referrerId,
      referredId: referred.customerId,
      occurredAt: new Date().toISOString(),
    });
  }

  /**
   * Contact fingerprints (keyed hashes, see the README): the full current set replaces the held one.
   */
  async replaceContacts(manager: EntityManager, customerId: string, fingerprints: readonly string[]): Promise<void> {
    await this.referrals.replaceFingerprints(manager, customerId, fingerprints);
  }

  /** The merged-away customer's contacts went to the survivor, whose new set comes with its own customer.updated. */
  async dropContacts(manager: EntityManager, customerId: string): Promise<void> {
    await this.referrals.dropFingerprints(manager, customerId);
  }

  /**
   * A merge of `fromId` into `toId`, run under both members' locks before the purchases move (see
   * ReferralsRepository.merge for the rules). The merged-away customer's contact fingerprints go: its
   * contacts went to the survivor, whose new set comes with its own customer.updated.
   */
  async mergeInto(manager: EntityManager, fromId: string, toId: string): Promise<void> {
    const survivorHasPurchases = await this.purchases.hasAny(manager, toId);
    await this.referrals.merge(manager, fromId, toId, survivorHasPurchases);
    await this.referrals.dropFingerprints(manager, fromId);
  }

  /** The code and the contact fingerprints could find the person again; the referrals themselves hold only ids. */
  async erase(
    manager: EntityManager,
    customerId: string,
  ): Promise<{ referralCodes: number; contactFingerprints: number }> {
    return {
      referralCodes: await this.referrals.dropCode(manager, customerId),
      contactFingerprints: await this.referrals.dropFingerprints(manager, customerId),
    };
  }
}
