import type { EventDefinition } from './event-definition';
import * as analytics from './events/analytics.events';
import * as customerProfile from './events/customer-profile.events';
import * as interaction from './events/interaction.events';
import * as loyalty from './events/loyalty.events';
import * as serviceDesk from './events/service-desk.events';
import * as surveys from './events/surveys.events';
import * as campaigns from './events/campaigns.events';
import { ErasureAcknowledgedV1 } from './events/subject-rights.events';

/** Every event definition of the platform, by CloudEvents type: each module's exports, all of them. */
const ALL_EVENTS: readonly EventDefinition[] = [
  ...Object.values(customerProfile),
  ...Object.values(loyalty),
  ...Object.values(analytics),
  ...Object.values(serviceDesk),
  ...Object.values(surveys),
  ...Object.values(campaigns),
  ...Object.values(interaction),
  // one erasure acknowledgement per participating service (a record, not one export per event)
  ...Object.values(ErasureAcknowledgedV1),
] as EventDefinition[];

const BY_TYPE = new Map(ALL_EVENTS.map((definition) => [definition.type, definition]));
if (BY_TYPE.size !== ALL_EVENTS.length) throw new Error('duplicate event type in the catalog');

export function eventDefinitionOf(type: string): EventDefinition | undefined {
  return BY_TYPE.get(type);
}

export function allEventDefinitions(): readonly EventDefinition[] {
  return ALL_EVENTS;
}
