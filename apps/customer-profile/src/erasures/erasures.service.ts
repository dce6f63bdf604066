import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErasureAcknowledgedV1,
  SUBJECT_RIGHTS_PARTICIPANTS,
  type AcknowledgingService,
  type ErasureAcknowledgement,
} from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER, type CallerIdentity } from '@rapport/platform-runtime';
import type { EntityManager } from 'typeorm';
import { ErasureErrorCode, ErasureException } from './erasures.exception';
import { ErasuresRepository, type AcknowledgementRecord, type HeldCounts } from './erasures.repository';

/** One service's part of an erasure request, as `GET /internal/v1/erasures/{id}` shows it. */
export interface ErasureServiceState {
  service: string;
  state: 'pending' | 'acknowledged';
  acknowledgedAt: string | null;
  removed: Record<string, number> | null;
  kept: ErasureAcknowledgement['kept'] | null;
}

export interface ErasureView {
  id: string;
  customerId: string;
  requestedBy: string;
  requestedAt: string;
  state: 'open' | 'completed';
  completedAt: string | null;
  services: ErasureServiceState[];
}

/**
 * The services an erasure waits for: every registered subject-rights participant that acknowledges
 * erasures. Read from the registry when a request is made (pending services are not waited for until
 * they register), and stored with the request so a later registration never blocks an older one.
 */
export function expectedServices(): AcknowledgingService[] {
  return SUBJECT_RIGHTS_PARTICIPANTS.map((p) => p.service).filter(
    (s): s is AcknowledgingService => s in ErasureAcknowledgedV1,
  );
}

/** What customer-profile keeps of an erased customer, and why (said in its acknowledgement and the receipt). */
const KEPT_BY_CUSTOMER_PROFILE: ErasureAcknowledgement['kept'] = [
  {
    what: 'purchases, their lines, refunds and totals under the anonymous customer id',
    why: 'accounting and tax law require order records; without the person they are no longer personal data',
  },
  {
    what: 'the consent log without its free-text source and recorder',
    why: 'proof that processing had a legal basis (PIPL art. 13)',
  },
  {
    what: 'ownership and lifecycle history under the anonymous customer id',
    why: 'anonymous aggregates of the sales process',
  },
  {
    what: 'the erasure request and every service acknowledgement',
    why: 'proof that the erasure was carried out (the signed receipt)',
  },
];

/**
 * Erasure requests: opened by customer-profile's erasure in the same transaction as the erasure itself,
 * acknowledged by every participating service (customer-profile at once, the others through their
 * `erasure.acknowledged` events), complete when every expected service has acknowledged.
 */
@Injectable()
export class ErasuresService {
  constructor(
    private readonly erasures: ErasuresRepository,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Counted before the erasure runs, for customer-profile's own acknowledgement. */
  countHeld(manager: EntityManager, customerId: string): Promise<HeldCounts> {
    return this.erasures.countHeld(manager, customerId);
  }

  /** Opens the request (inside the erasure's transaction); the caller publishes customer.erased with its id. */
  async open(manager: EntityManager, customerId: string, caller: CallerIdentity): Promise<string> {
    const request = await this.erasures.insertRequest(manager, {
      id: randomUUID(),
      customerId,
      requestedBy: caller.sub,
      expectedServices: expectedServices(),
    });
    this.logger.info(
      { erasureId: request.id, customerId, expectedServices: request.expectedServices },
      'erasure requested',
    );
    return request.id;
  }

  /** customer-profile's own acknowledgement, in the erasure's transaction, published like the others' for symmetry. */
  async acknowledgeOwn(manager: EntityManager, erasureId: string, customerId: string, held: HeldCounts): Promise<void> {
    const acknowledgement: ErasureAcknowledgement = {
      customerId,
      erasureId,
      removed: {
        profile: 1,
        identifiers: held.identifiers,
        contactPersons: held.contactPersons,
        duplicatePairs: held.duplicatePairs,
        segmentMemberships: held.segmentMemberships,
        consentRecordsAnonymised: held.consentRecords,
      },
      kept: held.purchases > 0 ? KEPT_BY_CUSTOMER_PROFILE : KEPT_BY_CUSTOMER_PROFILE.slice(1),
      acknowledgedAt: new Date().toISOString(),
    };
    await this.record(manager, 'customer-profile', acknowledgement);
    await this.outbox.add(manager, ErasureAcknowledgedV1['customer-profile'], customerId, acknowledgement);
  }

  /**
   * Another service's acknowledgement (inside the inbox transaction of its event). One without an
   * erasure id (an erasure from before requests existed), for an unknown request, from a service the
   * request does not wait for, or a second one from the same service changes nothing.
   */
  async record(manager: EntityManager, service: AcknowledgingService, ack: ErasureAcknowledgement): Promise<boolean> {
    if (!ack.erasureId) return false;
    const request = await this.erasures.lockRequest(manager, ack.erasureId);
    if (!request || request.customerId !== ack.customerId) {
      this.logger.warn({ erasureId: ack.erasureId, service }, 'erasure acknowledgement for an unknown request ignored');
      return false;
    }
    const recorded = await this.erasures.insertAcknowledgement(manager, request.id, {
      service,
      acknowledgedAt: new Date(ack.acknowledgedAt),
      removed: ack.removed,
      kept: ack.kept,
    });
    if (!recorded) return false;
    const acknowledged = new Set((await this.erasures.acknowledgements(request.id, manager)).map((a) => a.service));
    const missing = request.expectedServices.filter((s) => !acknowledged.has(s));
    this.logger.info({ erasureId: request.id, service, missing }, 'erasure acknowledged');
    if (missing.length === 0 && request.completedAt === null) {
      await this.erasures.markCompleted(manager, request.id);
      this.logger.info({ erasureId: request.id }, 'erasure complete: every expected service acknowledged');
    }
    return true;
  }

  /**
   * The request with each expected service's state. Whoever may erase may follow the request they
   * made; callers who see every customer (admins, department clients) may follow any. Everyone else
   * gets 404, like a customer they may not see.
   */
  async get(id: string, caller: CallerIdentity): Promise<ErasureView> {
    const request = await this.erasures.findRequest(id);
    if (!request || (request.requestedBy !== caller.sub && customerVisibility(caller).kind !== 'all')) {
      throw new ErasureException(ErasureErrorCode.ErasureNotFound, `Erasure request ${id} not found`);
    }
    const byService = new Map<string, AcknowledgementRecord>(
      (await this.erasures.acknowledgements(id)).map((a) => [a.service, a]),
    );
    return {
      id: request.id,
      customerId: request.customerId,
      requestedBy: request.requestedBy,
      requestedAt: request.requestedAt.toISOString(),
      state: request.completedAt ? 'completed' : 'open',
      completedAt: request.completedAt?.toISOString() ?? null,
      // The expected services first; a service that acknowledged without being waited for (one that
      // joined after the request was made) is shown too, since it did erase.
      services: [...new Set([...request.expectedServices, ...byService.keys()])].map((service): ErasureServiceState => {
        const ack = byService.get(service);
        return ack
          ? {
              service,
              state: 'acknowledged',
              acknowledgedAt: ack.acknowledgedAt.toISOString(),
              removed: ack.removed,
              kept: ack.kept,
            }
          : { service, state: 'pending', acknowledgedAt: null, removed: null, kept: null };
      }),
    };
  }
}
