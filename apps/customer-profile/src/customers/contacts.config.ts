import { phoneDefaultRegionVariable } from '@rapport/contracts';
import { loadConfig } from '@rapport/platform-config';
import { z } from 'zod';

/** How contacts are read, validated once at boot. The gateway reads the same variable: set both alike. */
export const contactsConfigSchema = z.object({
  /** The region of phone numbers written without a country code (ISO 3166-1 alpha-2). */
  PHONE_DEFAULT_REGION: phoneDefaultRegionVariable,
});

export type ContactsConfig = z.infer<typeof contactsConfigSchema>;
export const CONTACTS_CONFIG = Symbol('CUSTOMER_PROFILE_CONTACTS_CONFIG');

export function loadContactsConfig(environment: NodeJS.ProcessEnv = process.env): ContactsConfig {
  return loadConfig(contactsConfigSchema, environment);
}
