import type { z } from 'zod';
import type { ServiceName } from './services';
import { Topics, type TopicKey } from './topics';

/**
 * One definition per event version: its CloudEvents `type`, the topic it travels on, and the schema of
 * its `data`. The schema gives both the runtime validation (consumers dead-letter what does not parse)
 * and the TypeScript type (EventData<typeof X>). Within a version only optional fields may be added;
 * a breaking change is a new definition with `.v<N+1>`.
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly source: ServiceName;
  readonly topic: TopicKey;
  readonly schema: S;
  readonly description: string;
}

export type EventData<E extends EventDefinition> = z.infer<E['schema']>;

const TYPE_PATTERN = /^rapport\.[a-z-]+\.[a-z-]+\.[a-z-]+\.v\d+$/;

export function defineEvent<S extends z.ZodType>(def: EventDefinition<S>): EventDefinition<S> {
  if (!TYPE_PATTERN.test(def.type)) {
    throw new Error(`Event type ${def.type} must look like rapport.<service>.<entity>.<verb>.v<N>`);
  }
  if (!def.type.startsWith(`rapport.${def.source}.`)) {
    throw new Error(`Event type ${def.type} must start with rapport.${def.source}.`);
  }
  if (Topics[def.topic].owner !== def.source) {
    throw new Error(`Event ${def.type} is published by ${def.source} on a topic owned by ${Topics[def.topic].owner}`);
  }
  return def;
}
