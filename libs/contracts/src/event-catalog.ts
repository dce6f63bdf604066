import type { EventDefinition } from './event-definition';
import { CustomerCreatedV1 } from './events/customer-profile.events';

/** Every event definition of the platform, by CloudEvents type. */
const ALL_EVENTS: readonly EventDefinition[] = [CustomerCreatedV1];

const BY_TYPE = new Map(ALL_EVENTS.map((definition) => [definition.type, definition]));
if (BY_TYPE.size !== ALL_EVENTS.length) throw new Error('duplicate event type in the catalog');

export function eventDefinitionOf(type: string): EventDefinition | undefined {
  return BY_TYPE.get(type);
}

export function allEventDefinitions(): readonly EventDefinition[] {
  return ALL_EVENTS;
}
