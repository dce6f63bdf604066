import type { EntityManager } from 'typeorm';

/**
 * The service's part in merges and erasures, called inside the inbox transaction of the event (write
 * through the manager only). The same signatures as `merge` and `erase` of the shared contract
 * (SubjectRightsParticipant of @rapport/platform-subject-rights), so that switching to it replaces
 * this folder, not the participant.
 */
export interface SubjectRightsParticipant {
  merge(sourceId: string, survivorId: string, manager: EntityManager): Promise<void>;
  erase(customerId: string, manager: EntityManager): Promise<void>;
}

export const SUBJECT_RIGHTS_PARTICIPANT = Symbol('SERVICE_DESK_SUBJECT_RIGHTS_PARTICIPANT');
