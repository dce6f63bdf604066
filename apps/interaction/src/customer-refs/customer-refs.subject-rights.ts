import { Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { ErasureOutcome, SectionData, SubjectRightsParticipant } from '@rapport/platform-subject-rights';
import type { EntityManager } from 'typeorm';
import { CustomerRefsRepository } from './customer-refs.repository';

/**
 * What interaction holds under a customer id: exported, re-keyed on merge and removed on erasure. The
 * subject-rights library calls merge and erase inside the inbox transaction of customer.merged /
 * customer.erased (write through the manager only) and acknowledges the erasure with what it returns.
 */
@Injectable()
export class CustomerRefsSubjectRights implements SubjectRightsParticipant {
  constructor(private readonly repository: CustomerRefsRepository) {}

  /** A customer interaction never heard of gets a null entry, not a 404: the export stays whole. */
  async exportSection(customerId: string, _caller: CallerIdentity): Promise<SectionData> {
    return { interactionCustomerRefs: (await this.repository.find(customerId)) ?? null };
  }

  async merge(manager: EntityManager, sourceId: string, survivorId: string): Promise<void> {
    await this.repository.rekey(manager, sourceId, survivorId);
  }

  async erase(manager: EntityManager, customerId: string): Promise<ErasureOutcome> {
    return { removed: { customerRefs: await this.repository.erase(manager, customerId) }, kept: [] };
  }
}
