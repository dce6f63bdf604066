import { Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { ErasureOutcome, SectionData, SubjectRightsParticipant } from '@rapport/platform-subject-rights';
import type { EntityManager } from 'typeorm';
import { ErasedCustomersRepository } from '../purchase-ledger/erased-customers.repository';
import { ChurnRepository } from '../churn/churn.repository';
import { ChurnService } from '../churn/churn.service';
import { ActivityRepository } from '../activity/activity.repository';
import { PurchaseLedgerRepository } from '../purchase-ledger/purchase-ledger.repository';
import { RfmRepository } from '../rfm/rfm.repository';
import { RfmService } from '../rfm/rfm.service';
import { CustomerFactsRepository } from './customer-facts.repository';

const KEPT_PURCHASES = {
  what: 'the purchase ledger (purchases, lines, refunds in the base currency) under a new random id that links to nothing',
  why: 'revenue, forecasts and recommendations are anonymous aggregates; accounting keeps the same orders',
};

/**
 * What analytics holds under a customer id: exported, re-keyed on merge and removed on erasure. The
 * subject-rights library calls merge and erase inside the inbox transaction of customer.merged /
 * customer.erased (write through the manager only) and acknowledges the erasure with what it returns.
 * Besides the customer fact, that is the purchase ledger, the purchase sums and RFM scores (the rfm feature)
 * and the churn assessment (the churn feature): on a merge
 * the survivor's facts are the sum of both and the survivor is rescored (and customer.scored published
 * if that changed anything). And the activity facts (the activity feature: contacts, follow-ups,
 * tickets, ratings, survey scores, points movements, lifecycle moves): re-keyed on a merge; on erasure
 * the per-customer activity row goes and the facts stay without the customer id (anonymous
 * aggregates for the KPIs).
 */
@Injectable()
export class CustomerFactsSubjectRights implements SubjectRightsParticipant {
  constructor(
    private readonly repository: CustomerFactsRepository,
    private readonly rfmRepository: RfmRepository,
    private readonly rfm: RfmService,
    private readonly ledger: PurchaseLedgerRepository,
    private readonly erased: ErasedCustomersRepository,
    private readonly churnRepository: ChurnRepository,
    private readonly churn: ChurnService,
    private readonly activity: ActivityRepository,
  ) {}

  /** A customer analytics has no facts on gets a null entry, not a 404: the export stays whole. */
  async exportSection(customerId: string, _caller: CallerIdentity): Promise<SectionData> {
    const [facts, valueFacts, scores, purchases, churn, activity] = await Promise.all([
      this.repository.find(customerId),
      this.rfmRepository.findFacts(null, customerId),
      this.rfm.findView(customerId),
      this.ledger.forCustomer(customerId),
      this.churn.findView(customerId),
      this.activity.exportOf(customerId),
    ]);
    return {
      analyticsCustomerFacts: facts ?? null,
      analyticsPurchaseFacts: valueFacts ?? null,
      analyticsScores: scores,
      analyticsPurchases: purchases,
      analyticsChurnRisk: churn,
      analyticsActivity: activity,
    };
  }

  async merge(manager: EntityManager, sourceId: string, survivorId: string): Promise<void> {
    await this.repository.rekey(manager, sourceId, survivorId);
    await this.ledger.rekey(manager, sourceId, survivorId);
    // the merged id's assessment goes; the survivor's is redone by the rescoring below
    await this.churnRepository.remove(manager, sourceId);
    await this.activity.rekey(manager, sourceId, survivorId);
    if (await this.rfmRepository.rekey(manager, sourceId, survivorId))
      await this.rfm.rescore(manager, survivorId, new Date());
  }

  async erase(manager: EntityManager, customerId: string): Promise<ErasureOutcome> {
    // First: its lock makes a purchase being applied at the same time finish before the ledger is unlinked.
    await this.erased.add(manager, customerId);
    const customerFacts = await this.repository.erase(manager, customerId);
    const { valueFacts, scores } = await this.rfmRepository.erase(manager, customerId);
    const purchases = await this.ledger.anonymise(manager, customerId);
    const churnRisks = await this.churnRepository.remove(manager, customerId);
    const activity =
      (await this.activity.erase(manager, customerId)) +
      (await this.repository.anonymiseLifecycleChanges(manager, customerId));
    return {
      removed: { customerFacts, purchaseFacts: valueFacts, scores, churnRisks, activity },
      kept: purchases > 0 ? [KEPT_PURCHASES] : [],
    };
  }
}
