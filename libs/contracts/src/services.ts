/**
 * The services of the platform. Each owns exactly one Postgres schema (and a role of the same name)
 * and consumes with exactly one Kafka consumer group.
 */
export const SERVICE_NAMES = [
  'gateway',
  'customer-profile',
  'interaction',
  'service-desk',
  'loyalty',
  'analytics',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Postgres identifiers cannot hold '-': customer-profile owns schema (and role) customer_profile. */
export function schemaOf(service: ServiceName): string {
  return service.replace(/-/g, '_');
}

export function consumerGroupOf(service: ServiceName): string {
  return `rapport.${service}`;
}

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
