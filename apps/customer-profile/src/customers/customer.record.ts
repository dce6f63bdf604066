import type { PostalAddress, ValueTier } from '@rapport/contracts';

export interface CustomerIdentifierRecord {
  type: 'wechat_openid' | 'wechat_unionid' | 'weibo_id' | 'external';
  value: string;
}

export interface ContactPersonRecord {
  id: string;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
}

/** A customer as the service holds it: the row plus its identifiers and contact persons. */
export interface CustomerRecord {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  gender: string | null;
  birthday: string | null;
  email: string | null;
  phone: string | null;
  emails: string[];
  phones: string[];
  addresses: PostalAddress[];
  tags: string[];
  interests: string[];
  preferences: Record<string, unknown>;
  notes: string | null;
  customFields: Record<string, unknown>;
  sourceChannel: string | null;
  ownerId: string | null;
  team: string | null;
  /** Set by analytics' customer.scored (not by writes of the record); null until scored. */
  valueTier: ValueTier | null;
  /**
   * The latest contact: a purchase or an interaction (a call, a mail, a visit… from interaction's
   * interaction.logged); public-pool recycling counts from it. Null: never contacted.
   */
  lastContactAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** created_at as PostgreSQL prints it (microseconds), for exact keyset cursors. */
  createdKey: string;
  identifiers: CustomerIdentifierRecord[];
  contacts: ContactPersonRecord[];
}

/** The fields a write sets (everything but bookkeeping and relations' ids). */
export type CustomerFields = Omit<
  CustomerRecord,
  | 'id'
  | 'createdAt'
  | 'updatedAt'
  | 'version'
  | 'createdKey'
  | 'contacts'
  | 'ownerId'
  | 'team'
  | 'valueTier'
  | 'lastContactAt'
> & {
  contacts: Omit<ContactPersonRecord, 'id'>[];
};
