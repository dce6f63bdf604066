import { Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { ErasureOutcome, SectionData, SubjectRightsParticipant } from '@rapport/platform-subject-rights';
import type { EntityManager } from 'typeorm';
import { CustomerRefsRepository } from '../customer-refs/customer-refs.repository';
import { SlaService } from '../sla/sla.service';
import { TicketsRepository } from '../tickets/tickets.repository';

/**
 * What service-desk holds under a customer id (the customer reference and the customer's tickets
 * with their history): exported, re-keyed on merge (the open tickets' SLA recomputed on the survivor's
 * tier), and erased. The subject-rights library calls
 * merge and erase inside the inbox transaction of customer.merged / customer.erased (write through
 * the manager only) and acknowledges the erasure with what erase returns.
 */
@Injectable()
export class ServiceDeskSubjectRights implements SubjectRightsParticipant {
  constructor(
    private readonly customerRefs: CustomerRefsRepository,
    private readonly tickets: TicketsRepository,
    private readonly sla: SlaService,
  ) {}

  /** A customer service-desk never heard of gets a null reference and no tickets, not a 404: the export stays whole. */
  async exportSection(customerId: string, _caller: CallerIdentity): Promise<SectionData> {
    const tickets = await this.tickets.ofCustomer(customerId);
    return {
      serviceDeskCustomerRefs: (await this.customerRefs.find(customerId)) ?? null,
      serviceDeskTickets: tickets.map((t) => ({
        ...t,
        receivedAt: t.receivedAt.toISOString(),
        createdAt: t.createdAt.toISOString(),
        updatedAt: t.updatedAt.toISOString(),
        firstRepliedAt: t.firstRepliedAt?.toISOString() ?? null,
        resolvedAt: t.resolvedAt?.toISOString() ?? null,
        closedAt: t.closedAt?.toISOString() ?? null,
        history: t.history.map((h) => ({ ...h, at: h.at.toISOString() })),
      })),
    };
  }

  async merge(manager: EntityManager, sourceId: string, survivorId: string): Promise<void> {
    await this.customerRefs.rekey(manager, sourceId, survivorId);
    await this.tickets.rekey(manager, sourceId, survivorId);
    // the moved tickets are the survivor's now: their targets follow the survivor's tier
    await this.sla.recomputeCustomer(manager, survivorId, new Date());
  }

  /**
   * The customer reference goes; the customer's tickets lose the customer id and every text (subject,
   * description, replies, notes) and stay as anonymous counts, which the acknowledgement says.
   */
  async erase(manager: EntityManager, customerId: string): Promise<ErasureOutcome> {
    const customerRefs = await this.customerRefs.erase(manager, customerId);
    const { tickets, texts } = await this.tickets.erase(manager, customerId);
    return {
      removed: { customerRefs, tickets, ticketTexts: texts },
      kept:
        tickets > 0
          ? [
              {
                what: `${tickets} anonymous ticket(s): type, channel, priority, team, status and times, without customer id or text`,
                why: 'Service statistics (ticket volumes, response and resolution times) count them; nothing in them identifies the person',
              },
            ]
          : [],
    };
  }
}
