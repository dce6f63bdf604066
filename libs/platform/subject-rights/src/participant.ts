import type { CallerIdentity } from '@rapport/platform-runtime';
import type { EntityManager } from 'typeorm';

/**
 * What a service that holds customer-linked data implements to take part in subject rights.
 * Register it with `SubjectRightsModule.forParticipant(...)` and add the service to
 * `SUBJECT_RIGHTS_PARTICIPANTS`.
 */
export interface SubjectRightsParticipant {
  /**
   * Everything the service holds on the customer, one entry per section named in its registration.
   * A value that is an `AsyncIterable` is streamed as a JSON array (a long ledger stays flat in
   * memory). Throw the service's not-found problem when the service itself decides visibility
   * (customer-profile); a service that merely has no data for the id answers empty sections.
   */
  exportSection(customerId: string, caller: CallerIdentity): Promise<SectionData>;
  /**
   * Next step (not driven yet): removes or irreversibly anonymises the customer's personal data, run
   * by the library's `customer.erased` consumer inside the inbox transaction.
   */
  erase?(customerId: string, manager: EntityManager): Promise<void>;
  /** Next step (not driven yet): re-keys what `sourceId` holds to `survivorId`, on `customer.merged`. */
  merge?(sourceId: string, survivorId: string, manager: EntityManager): Promise<void>;
}

export type SectionData = Record<string, unknown>;

export const SUBJECT_RIGHTS_PARTICIPANT = Symbol('SUBJECT_RIGHTS_PARTICIPANT');
