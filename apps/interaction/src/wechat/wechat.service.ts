import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WechatFollowerUnmatchedV1, type WechatCallbackQuery } from '@rapport/contracts';
import { OutboxWriter } from '@rapport/platform-messaging';
import { identifierDigest } from '@rapport/platform-auth';
import { SERVICE_CONFIG, type CallerIdentity, type ServiceConfig } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { INTERACTION_CONFIG, type InteractionConfig } from '../interaction.config';
import type { InteractionRecord } from '../interactions/interactions.repository';
import { InteractionsService } from '../interactions/interactions.service';
import { WECHAT_API, WechatApiError, type WechatApiPort } from './wechat-api.port';
import { decryptMessage, signatureMatches, WechatDecryptError } from './wechat-crypto';
import {
  encryptedPart,
  parseWechatMessage,
  WechatMessageError,
  type WechatMessage,
  type WechatMessageKind,
} from './wechat-message';
import { WechatErrorCode, WechatException } from './wechat.exception';
import { WechatRepository, type WechatMessageRecord } from './wechat.repository';

/** WeChat's customer-service window: a follower may be written to for 48 hours after their last message. */
export const WECHAT_WINDOW_MS = 48 * 60 * 60 * 1000;
/** The actor of contacts the channel records by itself (a follower's messages). */
const EARLIEST = new Date('2000-01-01T00:00:00Z');
const CHANNEL_ACTOR: CallerIdentity = { sub: 'wechat', roles: [], scopes: [] };

/**
 * The WeChat Official Account channel. A delivery is verified, stored once (WeChat retries), and, when
 * its sender's openid is a known customer's wechat_openid, logged as an inbound interaction in the same
 * transaction: a few indexed writes, well within WeChat's 5 seconds. A sender no customer is known by is
 * held, and a lead is asked of customer-profile (wechat-follower.unmatched, once per openid); the
 * scheduler logs held messages once the customer's customer.created (carrying the openid) has arrived.
 */
@Injectable()
export class WechatService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: WechatRepository,
    private readonly interactions: InteractionsService,
    private readonly outbox: OutboxWriter,
    @Inject(WECHAT_API) private readonly api: WechatApiPort,
    @Inject(INTERACTION_CONFIG) private readonly config: InteractionConfig,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
  ) {}

  /** The server URL check when the URL is saved in WeChat's console: the echostr, when signed by WeChat. */
  verifyServer(query: WechatCallbackQuery): string {
    this.checkSignature(query.signature, 'signature', query.timestamp, query.nonce);
    if (query.echostr === undefined)
      throw WechatException.onField(WechatErrorCode.MalformedMessage, 'echostr is missing', 'echostr');
    return query.echostr;
  }

  /** A message or event WeChat delivered (plain or safe mode). Returns once it is stored. */
  async receive(query: WechatCallbackQuery, body: string, now = new Date()): Promise<void> {
    const message = this.open(query, body);
    if (message.kind === null) return; // a type the channel does not take: acknowledged, not kept
    const kind = message.kind;
    await this.dataSource.transaction(async (manager) => {
      // customer-profile's events name the openid by its digest only
      const digest = identifierDigest(this.serviceConfig.INTERNAL_AUTH_SECRET, 'wechat-openid', message.openid);
      const stored = await this.repository.insertMessage(manager, randomUUID(), { ...message, kind }, digest, now);
      if (!stored) return; // WeChat's retry of a delivery already taken
      const customerId = await this.repository.customerOf(manager, digest);
      if (customerId === undefined) {
        // Someone who leaves is no lead; their message is held in case they become a customer.
        if (kind !== 'unsubscribe' && (await this.repository.requestLead(manager, message.openid, now)))
          await this.outbox.add(manager, WechatFollowerUnmatchedV1, message.openid, {
            openid: message.openid,
            firstSeenAt: now.toISOString(),
          });
        return;
      }
      await this.logInbound(manager, stored, customerId, now);
    });
  }

  /** Logs held messages whose sender has become a known customer; returns how many. Public for tests. */
  async logMatched(now = new Date(), batch = 100): Promise<number> {
    let logged = 0;
    for (;;) {
      const count = await this.dataSource.transaction(async (manager) => {
        const claimed = await this.repository.claimMatched(manager, batch);
        for (const message of claimed) await this.logInbound(manager, message, message.matchedCustomerId, now);
        return claimed.length;
      });
      logged += count;
      if (count < batch) return logged;
    }
  }

  /**
   * A customer-service text to the customer's WeChat: only to a follower (422 wechat-not-following) and
   * within 48 hours of their last message (422 wechat-window-closed, as WeChat itself would refuse it).
   * Sent first, then logged as an outbound interaction: a message WeChat refused is not in the timeline.
   */
  async send(customerId: string, text: string, caller: CallerIdentity, now = new Date()): Promise<InteractionRecord> {
    const { follower, openid } = await this.repository.replyAddressOf(customerId);
    if (!follower && openid === null)
      throw new WechatException(
        WechatErrorCode.NotFollowing,
        `Customer ${customerId} has no WeChat openid known to interaction`,
      );
    const last = await this.repository.lastInboundAt(this.dataSource.manager, customerId);
    if (last === null || now.getTime() - last.getTime() > WECHAT_WINDOW_MS)
      throw new WechatException(
        WechatErrorCode.WindowClosed,
        last === null
          ? `Customer ${customerId} has never written on WeChat: WeChat allows replies only within 48 hours of the customer's last message`
          : `Customer ${customerId} last wrote on WeChat at ${last.toISOString()}, more than 48 hours ago`,
        { lastInboundAt: last?.toISOString() ?? null },
      );
    try {
      // within the window, the customer wrote: their latest message names the openid
      await this.api.sendText(openid!, text);
    } catch (error) {
      if (error instanceof WechatApiError) throw new WechatException(WechatErrorCode.ApiFailed, error.message);
      throw error;
    }
    return this.dataSource.transaction((manager) =>
      this.interactions.record(
        manager,
        { customerId, channel: 'wechat', direction: 'outbound', summary: text, outcome: 'wechat-text' },
        caller,
        now,
      ),
    );
  }

  private async logInbound(
    manager: EntityManager,
    message: WechatMessageRecord,
    customerId: string,
    now: Date,
  ): Promise<void> {
    const recorded = await this.interactions.record(
      manager,
      {
        customerId,
        channel: 'wechat',
        direction: 'inbound',
        // WeChat's CreateTime, unless a clock far off would make it a contact in the future or before 2000
        occurredAt: (message.sentAt > now || message.sentAt < EARLIEST ? now : message.sentAt).toISOString(),
        summary: summaryOf(message.kind, message.content),
        outcome: `wechat-${message.kind}`,
      },
      CHANNEL_ACTOR,
      now,
    );
    await this.repository.markLogged(manager, message.id, customerId, recorded.id);
  }

  /** Verifies the signature, decrypts in safe mode, and parses; every failure is a 400 or 403 problem. */
  private open(query: WechatCallbackQuery, body: string): WechatMessage {
    try {
      if (query.encrypt_type === 'aes') {
        const encrypted = encryptedPart(body);
        this.checkSignature(query.msg_signature, 'msg_signature', query.timestamp, query.nonce, encrypted);
        const xml = decryptMessage(
          encrypted,
          this.config.INTERACTION_WECHAT_ENCODING_AES_KEY,
          this.config.INTERACTION_WECHAT_APP_ID,
        );
        return parseWechatMessage(xml);
      }
      this.checkSignature(query.signature, 'signature', query.timestamp, query.nonce);
      return parseWechatMessage(body);
    } catch (error) {
      if (error instanceof WechatMessageError)
        throw WechatException.onField(WechatErrorCode.MalformedMessage, error.message, error.field);
      if (error instanceof WechatDecryptError)
        throw WechatException.onField(WechatErrorCode.UndecryptableMessage, error.message, 'Encrypt');
      throw error;
    }
  }

  private checkSignature(given: string | undefined, field: string, ...parts: string[]): void {
    if (!signatureMatches(given, this.config.INTERACTION_WECHAT_TOKEN, ...parts))
      throw WechatException.onField(
        WechatErrorCode.BadSignature,
        `${field} is not WeChat's signature with this Official Account's token`,
        field,
      );
  }
}

function summaryOf(kind: WechatMessageKind, content: string | null): string {
  switch (kind) {
    case 'text':
      return content ?? '';
    case 'image':
      return `[image] ${content ?? ''}`.trim();
    case 'subscribe':
      return 'Followed the Official Account';
    case 'unsubscribe':
      return 'Unfollowed the Official Account';
  }
}
