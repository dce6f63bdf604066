import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CampaignRecipientSentV1, type CampaignRecipientState } from '@rapport/contracts';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { IntervalRunner, LOGGER } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import { render, smsText } from './campaign-messages';
import { CAMPAIGNS_CONFIG, type CampaignsConfig } from './campaigns.config';
import { campaignMessages } from './campaigns.metrics';
import { CampaignsRepository, consentKey, type ClaimedRecipient } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import {
  HttpSmsProvider,
  SmtpMailTransport,
  type MailTransport,
  type SmsProvider,
  type TransportOutcome,
} from './transports';

/**
 * Paces hand-overs to the transports at `rate` per second: each message takes the next slot 1/rate
 * after the previous one, never earlier, so the rate over any stretch of sending stays within one
 * slot of the configured one. Per process: with several replicas, give each its share.
 */
export class Pacer {
  private next = 0;

  constructor(
    private readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Milliseconds to wait for the next slot, which is taken. */
  take(): number {
    const now = this.now();
    // after an idle stretch the schedule restarts from now (no burst to catch up)
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    return at - now;
  }
}

/**
 * Sends the queued recipients of campaigns being sent, every INTERACTION_CAMPAIGN_TICK_MS until none is
 * left. INTERACTION_CAMPAIGN_WORKERS transactions at once, each claiming INTERACTION_CAMPAIGN_BATCH
 * recipients (default 1; `FOR UPDATE SKIP LOCKED`: other workers and replicas take others) with their
 * consent rows held FOR SHARE: the consent is checked as it stands, the messages handed to the
 * transport, and the outcomes (sent, skipped with reason, failed, bounced) written with the
 * campaign.sent events before COMMIT. A crash before the hand-over rolls the claim back and the
 * recipients are taken again; the one window for a second copy is between the relay's acceptance and
 * that COMMIT (at most WORKERS × BATCH messages), and a copy carries the same Message-ID.
 */
@Injectable()
export class CampaignsSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: IntervalRunner;
  private readonly pacer: Pacer;
  private readonly mail: MailTransport;
  private readonly sms: SmsProvider;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsRepository,
    private readonly service: CampaignsService,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(CAMPAIGNS_CONFIG) private readonly config: CampaignsConfig,
  ) {
    this.pacer = new Pacer(Math.max(config.INTERACTION_CAMPAIGN_RATE, 1));
    this.mail = new SmtpMailTransport(
      config.INTERACTION_SMTP_URL,
      config.INTERACTION_MAIL_FROM,
      config.INTERACTION_CAMPAIGN_WORKERS,
    );
    this.sms = new HttpSmsProvider(config.INTERACTION_SMS_URL);
    this.runner = new IntervalRunner(
      async () => {
        const started = Date.now();
        const decided = await this.tick();
        if (decided > 0) this.log.info({ decided, ms: Date.now() - started }, 'campaign sender tick');
      },
      (error) => this.log.warn({ err: error }, 'campaign sender tick failed; the next tick retries'),
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.INTERACTION_CAMPAIGN_RATE > 0) this.runner.start(this.config.INTERACTION_CAMPAIGN_TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.runner.stop();
    this.mail.close();
  }

  /** Sends until nobody is queued (or the service stops); returns how many recipients were decided. */
  async tick(): Promise<number> {
    const counts = await Promise.all(
      Array.from({ length: this.config.INTERACTION_CAMPAIGN_WORKERS }, () => this.work()),
    );
    await this.dataSource.transaction((manager) => this.campaigns.completeFinished(manager, new Date()));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async work(): Promise<number> {
    let decided = 0;
    while (!this.stopping) {
      const outcomes = await this.dataSource.transaction(async (manager) => {
        const { recipients, consent } = await this.campaigns.claimQueued(
          manager,
          this.config.INTERACTION_CAMPAIGN_BATCH,
        );
        // each message takes its slot in turn, and is handed over without waiting for the one before
        const decisions = await Promise.all(
          recipients.map(async (recipient) => {
            const granted = consent.get(consentKey(recipient.customerId, recipient.channel, recipient.purpose));
            if (granted !== true)
              return {
                recipient,
                state: 'skipped' as const,
                reason: granted === false ? 'consent-withdrawn' : 'no-consent',
              };
            return this.paced(recipient);
          }),
        );
        await this.campaigns.settle(
          manager,
          decisions.map((d) => ({
            campaignId: d.recipient.campaignId,
            customerId: d.recipient.customerId,
            state: d.state,
            reason: d.reason,
          })),
        );
        const sentAt = new Date().toISOString();
        await this.outbox.addMany(
          manager,
          decisions
            .filter((d) => d.state === 'sent')
            .map(({ recipient }) => ({
              definition: CampaignRecipientSentV1,
              subject: recipient.customerId,
              data: {
                campaignId: recipient.campaignId,
                customerId: recipient.customerId,
                channel: recipient.channel,
                messageId: recipient.messageId,
                sentAt,
              },
            })),
        );
        return decisions;
      });
      if (outcomes.length === 0) break;
      for (const d of outcomes) campaignMessages.inc({ channel: d.recipient.channel, outcome: d.state });
      decided += outcomes.length;
    }
    return decided;
  }

  /** Waits for the recipient's slot (the pacer's order is the order slots were taken), then hands the message over. */
  private async paced(
    recipient: ClaimedRecipient,
  ): Promise<{ recipient: ClaimedRecipient; state: CampaignRecipientState; reason: string | null }> {
    const wait = this.pacer.take();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = await this.deliver(recipient);
    return {
      recipient,
      state: sent.ok ? 'sent' : sent.bounced ? 'bounced' : 'failed',
      reason: sent.ok ? null : sent.reason,
    };
  }

  private deliver(recipient: ClaimedRecipient): Promise<TransportOutcome> {
    const text = render(recipient.body, recipient.fields);
    if (recipient.channel === 'sms')
      return this.sms.send({
        to: recipient.address,
        text: smsText(text, recipient.purpose),
        messageId: recipient.messageId,
      });
    const headers: Record<string, string> = {};
    if (recipient.purpose === 'marketing') {
      const url = this.service.unsubscribeUrl(
        recipient.campaignId,
        recipient.customerId,
        recipient.channel,
        recipient.purpose,
        new Date(),
      );
      headers['List-Unsubscribe'] = `<${url}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    return this.mail.send({
      to: recipient.address,
      subject: render(recipient.subject ?? '', recipient.fields),
      text:
        recipient.purpose === 'marketing'
          ? `${text}\n\n--\nUnsubscribe: ${headers['List-Unsubscribe']?.slice(1, -1)}`
          : text,
      messageId: recipient.messageId,
      headers,
    });
  }
}
