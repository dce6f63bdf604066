import { Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { ErasureOutcome, SectionData, SubjectRightsParticipant } from '@rapport/platform-subject-rights';
import type { EntityManager } from 'typeorm';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CadencesRepository } from '../cadences/cadences.repository';
import { CustomerRefsRepository } from '../customer-refs/customer-refs.repository';
import { FollowUpsRepository } from '../follow-ups/follow-ups.repository';
import { InteractionsRepository } from '../interactions/interactions.repository';
import { SurveysRepository } from '../surveys/surveys.repository';
import { WechatRepository } from '../wechat/wechat.repository';

const iso = (at: Date | null) => at?.toISOString() ?? null;

/**
 * What interaction holds under a customer id (the customer reference, the customer's interactions,
 * follow-ups with their timers, cadence enrolments, survey invitations with their answers, campaign recipients with their address, and the copy of consent): exported, re-keyed on merge, and erased. The subject-rights library
 * calls merge and erase inside the inbox transaction of customer.merged / customer.erased (write through
 * the manager only) and acknowledges the erasure with what erase returns.
 */
@Injectable()
export class InteractionSubjectRights implements SubjectRightsParticipant {
  constructor(
    private readonly customerRefs: CustomerRefsRepository,
    private readonly interactions: InteractionsRepository,
    private readonly followUps: FollowUpsRepository,
    private readonly cadences: CadencesRepository,
    private readonly surveys: SurveysRepository,
    private readonly wechat: WechatRepository,
    private readonly campaigns: CampaignsRepository,
  ) {}

  /** A customer interaction never heard of gets a null reference and empty lists, not a 404: the export stays whole. */
  async exportSection(customerId: string, _caller: CallerIdentity): Promise<SectionData> {
    const [ref, interactions, followUps, enrolments, surveyInvitations, wechatMessages, campaigns] = await Promise.all([
      this.customerRefs.find(customerId),
      this.interactions.ofCustomer(customerId),
      this.followUps.ofCustomer(customerId),
      this.cadences.ofCustomer(customerId),
      this.surveys.ofCustomer(customerId),
      this.wechat.ofCustomer(customerId),
      this.campaigns.ofCustomer(customerId),
    ]);
    return {
      interactionCustomerRefs: ref ?? null,
      interactions: interactions.map((i) => ({
        ...i,
        occurredAt: i.occurredAt.toISOString(),
        loggedAt: i.loggedAt.toISOString(),
      })),
      followUps: followUps.map((f) => ({
        ...f,
        dueAt: f.dueAt.toISOString(),
        remindAt: f.remindAt.toISOString(),
        completedAt: iso(f.completedAt),
        createdAt: f.createdAt.toISOString(),
        updatedAt: f.updatedAt.toISOString(),
      })),
      cadenceEnrolments: enrolments.map((e) => ({
        ...e,
        stoppedAt: iso(e.stoppedAt),
        enrolledAt: e.enrolledAt.toISOString(),
      })),
      surveyInvitations,
      wechatMessages: wechatMessages.map((m) => ({
        ...m,
        sentAt: m.sentAt.toISOString(),
        receivedAt: m.receivedAt.toISOString(),
      })),
      campaignRecipients: campaigns.recipients,
      campaignConsents: campaigns.consents,
    };
  }

  async merge(manager: EntityManager, sourceId: string, survivorId: string): Promise<void> {
    await this.customerRefs.rekey(manager, sourceId, survivorId);
    await this.interactions.rekey(manager, sourceId, survivorId);
    await this.followUps.rekey(manager, sourceId, survivorId);
    await this.cadences.rekey(manager, sourceId, survivorId);
    await this.surveys.rekey(manager, sourceId, survivorId);
    await this.wechat.rekey(manager, sourceId, survivorId);
    await this.campaigns.rekey(manager, sourceId, survivorId);
  }

  /** Everything goes: the reference, every contact (with its summary), every follow-up with its timers, every enrolment. */
  async erase(manager: EntityManager, customerId: string): Promise<ErasureOutcome> {
    // first: the customer reference holds the openid whose held messages and lead request go too
    const wechatMessages = await this.wechat.erase(manager, customerId);
    const customerRefs = await this.customerRefs.erase(manager, customerId);
    const interactions = await this.interactions.erase(manager, customerId);
    const followUps = await this.followUps.erase(manager, customerId);
    const cadenceEnrolments = await this.cadences.erase(manager, customerId);
    const surveys = await this.surveys.erase(manager, customerId);
    const campaigns = await this.campaigns.erase(manager, customerId);
    return {
      removed: {
        customerRefs,
        interactions,
        followUps,
        cadenceEnrolments,
        surveyInvitations: surveys.invitations,
        surveyTexts: surveys.texts,
        wechatMessages,
        campaignRecipients: campaigns.recipients,
        campaignConsents: campaigns.consents,
      },
      kept:
        surveys.invitations > 0
          ? [
              {
                what: `the scores of ${surveys.invitations} survey invitation(s), without customer id or text`,
                why: 'Survey results (NPS, CSAT) count them; nothing in them identifies the person',
              },
            ]
          : [],
    };
  }
}
