import { z } from 'zod';
import { defineEvent } from '../event-definition';

/**
 * Events published by customer-profile. PII stays out of events: consumers get ids and what they
 * truly need, and ask nothing else of the customer record.
 */
const isoTime = z.iso.datetime({ offset: true });
/** Money travels as a decimal string ("177.00"), never as a float. */
const decimal = z.string().regex(/^-?\d+(\.\d{1,4})?$/, 'a decimal amount such as "177.00"');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code');
/**
 * Keyed HMAC-SHA256 (base64url) of each normalised phone (E.164), email (lower-case) and identifier
 * (type:value) of the customer: equal contacts give equal fingerprints, and without customer-profile's
 * key none can be reversed or guessed. Loyalty compares them to refuse referrals between customers
 * who share a contact. The full current set; absent = unknown or unchanged.
 */
const contactFingerprints = z.array(z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url HMAC-SHA256')).max(50);
/**
 * The digest of the customer's WeChat openid identifier (wechat_openid; `identifierDigest` of
 * platform-auth, kind `wechat-openid`): interaction matches the senders of messages to its Official
 * Account by it. The openid itself never travels, so no event holds anything an erasure must reach.
 */
const wechatOpenidDigest = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url HMAC-SHA256');

export const CustomerCreatedV1 = defineEvent({
  type: 'rapport.customer-profile.customer.created.v1',
  source: 'customer-profile',
  topic: 'customers',
  description: 'A customer record was created.',
  schema: z.object({
    customerId: z.uuid(),
    kind: z.enum(['person', 'organisation']),
    sourceChannel: z.string().min(1).max(40).optional(),
    ownerId: z.string().min(1).max(200).optional(),
    team: z.string().min(1).max(100).optional(),
    createdAt: isoTime,
    contactFingerprints: contactFingerprints.optional(),
    wechatOpenidDigest: wechatOpenidDigest.optional(),
  }),
});

export const CustomerUpdatedV1 = defineEvent({
  type: 'rapport.customer-profile.customer.updated.v1',
  source: 'customer-profile',
  topic: 'customers',
  description: 'Fields of a customer record changed (names of the fields only, no values).',
  schema: z.object({
    customerId: z.uuid(),
    changedFields: z.array(z.string()).min(1),
    version: z.number().int(),
    updatedAt: isoTime,
    /** Present when the contacts changed: the full current set, which replaces the previous one. */
    contactFingerprints: contactFingerprints.optional(),
    /** Present when the identifiers changed: the current wechat_openid's digest, or null when it was removed. */
    wechatOpenidDigest: wechatOpenidDigest.nullable().optional(),
  }),
});

export const CustomerMergedV1 = defineEvent({
  type: 'rapport.customer-profile.customer.merged.v1',
  source: 'customer-profile',
  topic: 'customers',
  description: 'mergedId was merged into survivorId: re-key everything held under mergedId.',
  schema: z.object({ customerId: z.uuid(), survivorId: z.uuid(), mergedId: z.uuid(), mergedAt: isoTime }),
});

export const CustomerErasedV1 = defineEvent({
  type: 'rapport.customer-profile.customer.erased.v1',
  source: 'customer-profile',
  topic: 'customers',
  description: 'The customer asked to be forgotten: remove or anonymise personal data, keep anonymous aggregates.',
  schema: z.object({
    customerId: z.uuid(),
    erasedAt: isoTime,
    /** The erasure request (GET /api/v1/erasures/{id}) that services acknowledge (erasure.acknowledged). */
    erasureId: z.uuid().optional(),
  }),
});

export const ConsentChangedV1 = defineEvent({
  type: 'rapport.customer-profile.consent.changed.v1',
  source: 'customer-profile',
  topic: 'customers',
  description: 'Consent for a channel and purpose was given or withdrawn.',
  schema: z.object({
    customerId: z.uuid(),
    channel: z.enum(['email', 'sms', 'phone', 'wechat']),
    purpose: z.enum(['marketing', 'service', 'analytics']),
    granted: z.boolean(),
    changedAt: isoTime,
  }),
});

export const OwnershipChangedV1 = defineEvent({
  type: 'rapport.customer-profile.ownership.changed.v1',
  source: 'customer-profile',
  topic: 'customers',
  description:
    'The owner of a customer changed: assigned, transferred, claimed from or released/recycled to the public pool.',
  schema: z.object({
    customerId: z.uuid(),
    change: z.enum(['assigned', 'transferred', 'claimed', 'released', 'recycled']),
    ownerId: z.string().min(1).nullable(),
    team: z.string().min(1).nullable(),
    previousOwnerId: z.string().min(1).nullable(),
    reason: z.string().max(500).optional(),
    changedAt: isoTime,
  }),
});

export const LifecycleChangedV1 = defineEvent({
  type: 'rapport.customer-profile.lifecycle.changed.v1',
  source: 'customer-profile',
  topic: 'customers',
  description: 'The lifecycle stage of a customer changed.',
  schema: z.object({
    customerId: z.uuid(),
    from: z.enum(['prospect', 'new', 'active', 'loyal', 'at_risk', 'churned', 'won_back']).nullable(),
    to: z.enum(['prospect', 'new', 'active', 'loyal', 'at_risk', 'churned', 'won_back']),
    reason: z.string().max(500),
    changedAt: isoTime,
  }),
});

const purchaseLine = z.object({
  sku: z.string().min(1).max(100),
  category: z.string().max(100).optional(),
  quantity: z.number().positive(),
  unitPrice: decimal,
  lineTotal: decimal,
});

export const PurchaseRecordedV1 = defineEvent({
  type: 'rapport.customer-profile.purchase.recorded.v1',
  source: 'customer-profile',
  topic: 'purchases',
  description: 'A purchase was recorded, with its total in its own currency and in the base currency.',
  schema: z.object({
    purchaseId: z.uuid(),
    customerId: z.uuid(),
    externalOrderId: z.string().min(1).max(200),
    channel: z.string().max(40).optional(),
    currency,
    total: decimal,
    baseCurrency: currency,
    totalBase: decimal,
    lines: z.array(purchaseLine).min(1),
    occurredAt: isoTime,
    /** True for the customer's first purchase, which referral rules care about. */
    firstPurchase: z.boolean(),
  }),
});

export const PurchaseRefundedV1 = defineEvent({
  type: 'rapport.customer-profile.purchase.refunded.v1',
  source: 'customer-profile',
  topic: 'purchases',
  description: 'A purchase was refunded in full or in part.',
  schema: z.object({
    refundId: z.uuid(),
    purchaseId: z.uuid(),
    customerId: z.uuid(),
    currency,
    amount: decimal,
    baseCurrency: currency,
    amountBase: decimal,
    /** amount / purchase total, so consumers can reverse proportionally. */
    fraction: z.number().positive().max(1),
    occurredAt: isoTime,
  }),
});
