/**
 * Subject rights across services, the shared part: which services take part, what sections each
 * answers, which columns of its schema hold customer ids, and the envelope and route of a section.
 * The Nest side (module, route, participant interface) is @rapport/platform-subject-rights.
 */
import { schemaOf, type ServiceName } from './services';

/**
 * The one list of services that take part in subject rights: the gateway asks each of them for its
 * section of an export, and the conformance suite checks each declaration against the real schema.
 */
export interface SubjectRightsRegistration {
  service: ServiceName;
  /** Its PostgreSQL schema. */
  schema: string;
  /** The keys of its section's `data`; unique across all participants, so sections never collide. */
  sections: readonly string[];
  /**
   * Every `table.column` of the schema that holds a customer id. The conformance suite fails when the
   * schema has a customer id column (`customer_id`, `…_customer_id`) this list does not name, so a
   * migration that adds customer-linked data cannot slip past export and erasure.
   */
  customerColumns: readonly string[];
}

export const SUBJECT_RIGHTS_PARTICIPANTS: readonly SubjectRightsRegistration[] = [
  {
    service: 'customer-profile',
    schema: schemaOf('customer-profile'),
    sections: [
      'profile',
      'consents',
      'duplicateCandidates',
      'segmentMemberships',
      'purchases',
      'ownershipHistory',
      'lifecycleHistory',
    ],
    customerColumns: [
      'customers.id',
      'customers.merged_into',
      'customer_contacts.customer_id', // in profile
      'customer_identifiers.customer_id', // in profile
      'consent_records.customer_id',
      'duplicate_candidates.customer_id',
      'duplicate_candidates.duplicate_of_id',
      'segment_members.customer_id',
      'purchases.customer_id',
      'purchase_refunds.customer_id',
      'customer_purchase_totals.customer_id', // sums of purchases
      'customer_purchase_summary.customer_id', // sums of purchases
      'ownership_history.customer_id',
      'lifecycle_history.customer_id',
      'erasure_requests.customer_id', // the erasure's own record: stays, the signed receipt names the anonymous id
    ],
  },
  {
    service: 'loyalty',
    schema: schemaOf('loyalty'),
    sections: ['loyaltyAccount', 'pointsLedger', 'pointLots', 'purchasePoints', 'redemptions', 'coupons', 'referrals'],
    customerColumns: [
      'members.customer_id',
      'tier_history.customer_id', // in loyaltyAccount
      'referral_codes.customer_id', // in loyaltyAccount
      'member_fingerprints.customer_id', // keyed hashes: counted in loyaltyAccount
      'movements.customer_id',
      'entries.customer_id', // the double-entry lines of pointsLedger's movements
      'lots.customer_id',
      'purchases.customer_id',
      'refunds.customer_id',
      'redemptions.customer_id', // redemptions and coupons
      'referrals.referrer_id',
      'referrals.referred_id',
      'members.merged_into', // the survivor of a merged account (its tombstone)
      'merged_customers.merged_customer_id', // the subject-rights library's record of merges
      'merged_customers.survivor_customer_id',
    ],
  },
  {
    service: 'interaction',
    schema: schemaOf('interaction'),
    sections: [
      'interactionCustomerRefs',
      'interactions',
      'followUps',
      'cadenceEnrolments',
      'surveyInvitations',
      'wechatMessages',
      'campaignRecipients',
      'campaignConsents',
    ],
    customerColumns: [
      'customer_refs.customer_id',
      'interactions.customer_id',
      'follow_ups.customer_id',
      'cadence_enrolments.customer_id',
      'survey_invitations.customer_id', // in surveyInvitations, with each invitation's answers
      'wechat_messages.customer_id', // in wechatMessages (the openid's lead request goes with them)
      'campaign_recipients.customer_id', // in campaignRecipients, with the address each message went to
      'consents.customer_id', // in campaignConsents: interaction's copy of customer-profile's consent
      'merged_customers.merged_customer_id', // ids merged away (subject-rights library), erased with the survivor
      'merged_customers.survivor_customer_id',
    ],
  },
  {
    service: 'service-desk',
    schema: schemaOf('service-desk'),
    sections: ['serviceDeskCustomerRefs', 'serviceDeskTickets'],
    customerColumns: [
      'customer_refs.customer_id',
      'tickets.customer_id', // in serviceDeskTickets, with each ticket's history
      'merged_customers.merged_customer_id',
      'merged_customers.survivor_customer_id',
    ],
  },
  {
    service: 'analytics',
    schema: schemaOf('analytics'),
    sections: [
      'analyticsCustomerFacts',
      'analyticsPurchaseFacts',
      'analyticsScores',
      'analyticsPurchases',
      'analyticsChurnRisk',
    ],
    customerColumns: [
      'customer_facts.customer_id',
      'customer_value_facts.customer_id', // in analyticsPurchaseFacts: counts and sums of purchases and refunds
      'customer_scores.customer_id', // in analyticsScores, with the inputs and cut points they came from
      'purchases.customer_id', // in analyticsPurchases (the ledger, with lines); kept under a random id on erasure
      'purchase_refunds.customer_id', // in analyticsPurchases (netted into each purchase's refundedBase)
      'churn_risks.customer_id', // in analyticsChurnRisk, with its drivers
      'merged_customers.merged_customer_id',
      'merged_customers.survivor_customer_id',
    ],
  },
];

/**
 * Services that hold customer-linked data and have not joined yet. Each leaves this list when it
 * registers above; a service in neither list that stores customer ids fails the participants test.
 */
export const SUBJECT_RIGHTS_PENDING: readonly ServiceName[] = [];

/**
 * Customer-id columns kept on purpose outside export, erasure and merge, each with its reason. The
 * gateway's audit log is the record of who read or changed whose personal data: it holds customer
 * ids only (a random id, no personal data once the record behind it is erased), is append-only, and
 * must outlive an erasure to prove who had access before it.
 */
export const SUBJECT_RIGHTS_RETAINED: readonly { service: ServiceName; column: string; reason: string }[] = [
  {
    service: 'gateway',
    column: 'audit_subjects.customer_id',
    reason: 'the audit log of access to personal data (ids only, append-only, kept after erasure)',
  },
];

export function subjectRightsRegistration(service: string): SubjectRightsRegistration | undefined {
  return SUBJECT_RIGHTS_PARTICIPANTS.find((p) => p.service === service);
}

/** The envelope of one service's section of a subject access export: who read it and when, and what it read. */
export interface SubjectRightsSection<T = Record<string, unknown>> {
  service: string;
  /** When the service started reading (ISO 8601). */
  readAt: string;
  data: T;
}

/** The internal route every participant mounts; the gateway composes the export from these. */
export function subjectRightsExportPath(customerId: string): string {
  return `/internal/v1/subject-rights/customers/${encodeURIComponent(customerId)}/export`;
}

/** Both are needed: the export is unmasked personal data by nature. */
export const SUBJECT_RIGHTS_EXPORT_SCOPES = ['customers:read', 'pii:read'] as const;
