import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CampaignConsentWithdrawnV1,
  type CampaignRecipientPage,
  type CampaignRecipientsQuery,
  type CampaignView,
  type CreateCampaignRequest,
  type InboundSmsReceipt,
  type UnsubscribeView,
} from '@rapport/contracts';
import { signedTokenKey, SignedTokens } from '@rapport/platform-auth';
import { decodeCursor, encodeCursor } from '@rapport/platform-http';
import { OutboxWriter } from '@rapport/platform-messaging';
import { SERVICE_CONFIG, type CallerIdentity, type ServiceConfig } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { addressError, isSmsOptOut, messageIdOf, templateError } from './campaign-messages';
import { CAMPAIGNS_CONFIG, type CampaignsConfig } from './campaigns.config';
import { CampaignsErrorCode, CampaignsException } from './campaigns.exception';
import { CampaignsRepository, type CampaignRecord } from './campaigns.repository';

/** How long a mail's unsubscribe link works (RFC 8058 asks for a link that keeps working). */
const UNSUBSCRIBE_LINK_DAYS = 365;
const DAY_MS = 86_400_000;
const RECIPIENTS_SORT = 'campaign-recipients';
const FIELDS_MAX = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Campaigns: created with their audience (every recipient queued), sent by the sender job (consent is
 * checked there, per message), withdrawn from by the customer through the signed one-click link of a
 * mail or an SMS reply T/TD. A withdrawal, its recipient state and its consent.withdrawn event are one
 * transaction.
 */
@Injectable()
export class CampaignsService {
  private readonly links: SignedTokens;

  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(CAMPAIGNS_CONFIG) private readonly config: CampaignsConfig,
    @Inject(SERVICE_CONFIG) serviceConfig: ServiceConfig,
  ) {
    this.links = new SignedTokens(
      signedTokenKey(
        config.INTERACTION_UNSUBSCRIBE_SECRET,
        serviceConfig.INTERNAL_AUTH_SECRET,
        'interaction',
        'unsubscribe-link.v1',
      ),
    );
  }

  async create(request: CreateCampaignRequest, caller: CallerIdentity): Promise<CampaignView> {
    const errors: { field: string; message: string }[] = [];
    if (request.channel === 'email' && request.subject === undefined)
      errors.push({ field: 'subject', message: 'an email campaign needs a subject' });
    if (request.channel === 'sms' && request.subject !== undefined)
      errors.push({ field: 'subject', message: 'an SMS has no subject' });
    for (const [field, template] of [
      ['subject', request.subject],
      ['body', request.body],
    ] as const) {
      const error = template === undefined ? undefined : templateError(template);
      if (error) errors.push({ field, message: `the template does not parse: ${error}` });
    }
    const seen = new Set<string>();
    request.audience.forEach((recipient, i) => {
      const error = addressError(request.channel, recipient.address);
      if (error) errors.push({ field: `audience[${i}].address`, message: error });
      if (seen.has(recipient.customerId))
        errors.push({ field: `audience[${i}].customerId`, message: 'the customer is in the audience twice' });
      seen.add(recipient.customerId);
      const fields = Object.entries(recipient.fields ?? {});
      if (
        fields.length > FIELDS_MAX ||
        fields.some(([k, v]) => typeof v !== 'string' || k.length > 40 || v.length > 500)
      )
        errors.push({
          field: `audience[${i}].fields`,
          message: `at most ${FIELDS_MAX} fields, names of at most 40 and string values of at most 500 characters`,
        });
    });
    if (errors.length > 0)
      throw new CampaignsException(CampaignsErrorCode.InvalidCampaign, 'The campaign cannot be sent as it is', errors);
    const id = randomUUID();
    await this.dataSource.transaction((manager) =>
      this.campaigns.insert(
        manager,
        {
          id,
          name: request.name,
          channel: request.channel,
          purpose: request.purpose,
          subject: request.subject ?? null,
          body: request.body,
          createdAt: new Date(),
          createdBy: caller.sub,
        },
        request.audience.map((r) => ({
          customerId: r.customerId,
          address: r.address,
          fields: r.fields ?? {},
          messageId: messageIdOf(id, r.customerId),
        })),
      ),
    );
    return this.view(id);
  }

  async view(id: string): Promise<CampaignView> {
    return toView(await this.get(id));
  }

  /** From draft to sending: the sender takes its recipients from the next tick. A second send is 409. */
  async send(id: string): Promise<CampaignView> {
    await this.dataSource.transaction(async (manager) => {
      const campaign = await this.campaigns.find(id, manager, true);
      if (!campaign) throw notFound(id);
      if (campaign.status !== 'draft')
        throw new CampaignsException(CampaignsErrorCode.AlreadySent, `The campaign is already ${campaign.status}`);
      await this.campaigns.startSending(manager, id, new Date());
    });
    return this.view(id);
  }

  async recipients(id: string, query: CampaignRecipientsQuery): Promise<CampaignRecipientPage> {
    await this.get(id);
    let after: string | undefined;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor, RECIPIENTS_SORT);
      if (!decoded || typeof decoded.key !== 'string' || decoded.key !== id || !UUID.test(decoded.id))
        throw new CampaignsException(CampaignsErrorCode.CursorInvalid, 'The cursor is not one this list gave');
      after = decoded.id;
    }
    const limit = query.limit ?? 50;
    const rows = await this.campaigns.recipients(id, limit + 1, after, query.state);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor(RECIPIENTS_SORT, id, last.customerId) : null,
    };
  }

  /** The one-click link of one recipient's mail (List-Unsubscribe). */
  unsubscribeUrl(campaignId: string, customerId: string, channel: string, purpose: string, now: Date): string {
    const token = this.links.sign(
      { c: campaignId, u: customerId, ch: channel, p: purpose },
      new Date(now.getTime() + UNSUBSCRIBE_LINK_DAYS * DAY_MS),
    );
    return `${this.config.INTERACTION_PUBLIC_BASE_URL.replace(/\/$/, '')}/api/v1/public/unsubscribe/${token}`;
  }

  async unsubscribeView(token: string): Promise<UnsubscribeView> {
    const link = this.linkOf(token);
    const granted = await this.campaigns.consentOf(
      this.dataSource.manager,
      link.customerId,
      link.channel,
      link.purpose,
    );
    return { channel: link.channel, purpose: link.purpose, withdrawn: granted === false };
  }

  /** RFC 8058's POST: withdraws at once; a second POST finds it withdrawn and publishes nothing again. */
  async unsubscribe(token: string): Promise<UnsubscribeView> {
    const link = this.linkOf(token);
    await this.dataSource.transaction((manager) =>
      this.withdraw(manager, link.customerId, link.channel, link.purpose, link.campaignId, 'one-click-unsubscribe'),
    );
    return { channel: link.channel, purpose: link.purpose, withdrawn: true };
  }

  /** An SMS reply from the provider: T or TD withdraws SMS marketing consent of the customers texted at that number. */
  async inboundSms(from: string, text: string): Promise<InboundSmsReceipt> {
    if (!isSmsOptOut(text)) return { withdrawn: 0 };
    return this.dataSource.transaction(async (manager) => {
      const customers = await this.campaigns.customersBySmsAddress(manager, from);
      let withdrawn = 0;
      for (const customerId of customers)
        if (await this.withdraw(manager, customerId, 'sms', 'marketing', null, 'sms-reply')) withdrawn += 1;
      return { withdrawn };
    });
  }

  private async withdraw(
    manager: EntityManager,
    customerId: string,
    channel: 'email' | 'sms',
    purpose: 'marketing' | 'service',
    campaignId: string | null,
    via: 'one-click-unsubscribe' | 'sms-reply',
  ): Promise<boolean> {
    if (campaignId) await this.campaigns.markUnsubscribed(manager, campaignId, customerId);
    if ((await this.campaigns.consentOf(manager, customerId, channel, purpose)) === false) return false;
    const at = new Date();
    await this.campaigns.recordConsent(manager, {
      customerId,
      channel,
      purpose,
      granted: false,
      changedAt: at.toISOString(),
    });
    await this.outbox.addMany(manager, [
      {
        definition: CampaignConsentWithdrawnV1,
        subject: customerId,
        data: { customerId, channel, purpose, campaignId, via, withdrawnAt: at.toISOString() },
      },
    ]);
    return true;
  }

  private linkOf(token: string): {
    campaignId: string;
    customerId: string;
    channel: 'email' | 'sms';
    purpose: 'marketing' | 'service';
  } {
    const verified = this.links.verify(token, new Date());
    const { c, u, ch, p } = verified?.claims ?? {};
    if (
      typeof c !== 'string' ||
      typeof u !== 'string' ||
      (ch !== 'email' && ch !== 'sms') ||
      (p !== 'marketing' && p !== 'service')
    )
      throw new CampaignsException(CampaignsErrorCode.LinkInvalid, 'The unsubscribe link is not valid');
    return { campaignId: c, customerId: u, channel: ch, purpose: p };
  }

  private async get(id: string): Promise<CampaignRecord> {
    const campaign = await this.campaigns.find(id);
    if (!campaign) throw notFound(id);
    return campaign;
  }
}

function notFound(id: string): CampaignsException {
  return new CampaignsException(CampaignsErrorCode.CampaignNotFound, `No campaign ${id}`);
}

function toView(c: CampaignRecord): CampaignView {
  return {
    id: c.id,
    name: c.name,
    channel: c.channel,
    purpose: c.purpose,
    subject: c.subject,
    body: c.body,
    status: c.status,
    audience: Object.values(c.counts).reduce((a, b) => a + b, 0),
    counts: c.counts,
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy,
    sendStartedAt: c.sendStartedAt?.toISOString() ?? null,
    completedAt: c.completedAt?.toISOString() ?? null,
  };
}
