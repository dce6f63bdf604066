import type { CallerIdentity } from '@rapport/platform-runtime';
import type { EntityManager } from 'typeorm';

/**
 * What a service that holds customer-linked data implements to take part in subject rights.
 * Register it with `SubjectRightsModule.forParticipant(...)` and add the service to
 * `SUBJECT_RIGHTS_PARTICIPANTS`.
 *
 * `erase` and `merge` come together: a participant with both has the library consume
 * `customer.erased` / `customer.merged` for it (and acknowledge each erasure); one with neither only
 * answers the export (it still follows those events itself, until it moves to the library).
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
   * Removes or irreversibly anonymises the customer's personal data, run inside the inbox transaction
   * of `customer.erased` (write through `manager` only), and says what it did: the library publishes
   * that as the service's erasure acknowledgement, in the same transaction.
   */
  erase?(manager: EntityManager, customerId: string): Promise<ErasureOutcome>;
  /**
   * Re-keys what `sourceId` holds to `survivorId`, inside the inbox transaction of `customer.merged`.
   * The library has already recorded the merge (so a late event of `sourceId` is not applied).
   */
  merge?(manager: EntityManager, sourceId: string, survivorId: string): Promise<void>;
}

export type SectionData = Record<string, unknown>;

/** What an erasure removed (counts by kind: a table, a section) and what it kept, and why. */
export interface ErasureOutcome {
  removed: Record<string, number>;
  kept: Array<{ what: string; why: string }>;
}

/** A participant the library drives on `customer.erased` / `customer.merged`. */
export type ErasingParticipant = Required<SubjectRightsParticipant>;

export const SUBJECT_RIGHTS_PARTICIPANT = Symbol('SUBJECT_RIGHTS_PARTICIPANT');

/** Whether a participant class has erase and merge (both), neither, or only one (a mistake). */
export function erasureSupport(
  participant: abstract new (...args: never[]) => SubjectRightsParticipant,
): 'both' | 'neither' | 'partial' {
  const prototype = participant.prototype as Partial<SubjectRightsParticipant>;
  const erase = typeof prototype.erase === 'function';
  const merge = typeof prototype.merge === 'function';
  return erase && merge ? 'both' : !erase && !merge ? 'neither' : 'partial';
}
