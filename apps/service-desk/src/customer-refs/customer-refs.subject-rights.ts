import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SubjectRightsParticipant } from '../subject-rights/subject-rights.port';
import { CustomerRefsRepository } from './customer-refs.repository';

/** What service-desk holds under a customer id, re-keyed on merge and removed on erasure. */
@Injectable()
export class CustomerRefsSubjectRights implements SubjectRightsParticipant {
  constructor(private readonly repository: CustomerRefsRepository) {}

  async merge(sourceId: string, survivorId: string, manager: EntityManager): Promise<void> {
    await this.repository.rekey(manager, sourceId, survivorId);
  }

  async erase(customerId: string, manager: EntityManager): Promise<void> {
    await this.repository.erase(manager, customerId);
  }
}
