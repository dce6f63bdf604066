import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADER, signIdentity, type CallerIdentity } from '@rapport/platform-runtime';
import {
  createEnvelope,
  CustomerErasedV1,
  CustomerMergedV1,
  ErasureAcknowledgedV1,
  fromBinaryMode,
  schemaOf,
  SERVICE_NAMES,
  SUBJECT_RIGHTS_PARTICIPANTS,
  SUBJECT_RIGHTS_PENDING,
  SUBJECT_RIGHTS_RETAINED,
  subjectRightsExportPath,
  subjectRightsRegistration,
  Topics,
  toBinaryMode,
  type AcknowledgingService,
  type ErasureAcknowledgement,
  type EventEnvelope,
  type SubjectRightsRegistration,
} from '@rapport/contracts';
import type { MessageBus, RecordProducer } from '@rapport/platform-messaging';
import type { Client } from 'pg';
import { adminClient, collectRecords, eventually, testBus } from './helpers';
import { stackInfo } from './stack-file';
import { uuidColumnsHolding } from './service-test-clients';

/** What a service's seed stored and what its export section must therefore show. */
export interface SubjectRightsSeed {
  customerId: string;
  /** Per section key, what it must contain (`expect.arrayContaining`, `expect.objectContaining`…). */
  expected: Record<string, unknown>;
}

export interface SubjectRightsConformanceOptions {
  /**
   * Stores customer-linked data the way the service really gets it (its API, the events it consumes),
   * under a new customer id on every call (the erase and merge checks each seed their own customer).
   */
  seed: () => Promise<SubjectRightsSeed>;
  /** How long the seed's effects may take to land (event-driven services); the export is asked until then. */
  settleMs?: number;
  /**
   * For a participant whose erase and merge the library drives: what the acknowledgement of erasing a
   * seeded customer counts as removed (`{ customerRefs: 1 }`). The suite then erases and merges seeded
   * customers with customer-profile's events on the real broker.
   */
  erasure?: { removed: Record<string, number> };
}

/**
 * The columns of a schema that hold a customer id by name: `customer_id` or `…_customer_id`.
 * Other names that hold one (loyalty's `referrer_id`) are declared in the registration as well.
 */
export async function customerIdColumns(db: Client, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
      WHERE table_schema = $1 AND (column_name = 'customer_id' OR column_name LIKE '%\\_customer\\_id')
      ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.name);
}

const EXPORT_CALLER: CallerIdentity = {
  sub: 'conformance-dpo',
  roles: ['admin'],
  scopes: ['customers:read', 'pii:read'],
};

/** Asks a service for its export section directly (as the gateway does), with the given caller. */
export async function askExportSection(
  service: string,
  customerId: string,
  caller: CallerIdentity | null = EXPORT_CALLER,
): Promise<Response> {
  const base = (stackInfo().serviceUrls as Record<string, string>)[service];
  if (!base) throw new Error(`the test stack runs no service ${service}`);
  const headers: Record<string, string> = { accept: 'application/json', connection: 'close' };
  if (caller) headers[IDENTITY_HEADER] = await signIdentity(caller, stackInfo().internalAuthSecret);
  return fetch(new URL(subjectRightsExportPath(customerId), base), { headers, signal: AbortSignal.timeout(15_000) });
}

/**
 * The one conformance suite of subject rights, called by the integration spec of every service that
 * holds customer-linked data (`describeSubjectRightsConformance('loyalty', { seed })`). It checks the
 * service's registration against its real schema, that the export section holds what the seed stored
 * (stamped, all declared sections, nothing else), and that the route is authorized like every
 * internal route. With `erasure`, also that customer.erased leaves nothing of the customer in the
 * schema and is acknowledged with counts, and that customer.merged re-keys to the survivor.
 */
export function describeSubjectRightsConformance(service: string, options: SubjectRightsConformanceOptions): void {
  describe(`subject-rights conformance of ${service}`, () => {
    let db: Client;

    beforeAll(async () => {
      db = await adminClient();
    });

    afterAll(() => db.end());

    const registration = () => {
      const found = subjectRightsRegistration(service);
      if (!found) throw new Error(`${service} is not in SUBJECT_RIGHTS_PARTICIPANTS`);
      return found;
    };

    it('is registered, and names every column of its schema that holds a customer id', async () => {
      const { schema, customerColumns } = registration();
      const found = await customerIdColumns(db, schema);
      const { rows } = await db.query<{ name: string }>(
        `SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = $1`,
        [schema],
      );
      const existing = new Set(rows.map((r) => r.name));
      expect({
        undeclared: found.filter((c) => !customerColumns.includes(c)),
        declaredButAbsent: customerColumns.filter((c) => !existing.has(c)),
      }).toEqual({ undeclared: [], declaredButAbsent: [] });
    });

    it('exports what it holds on the customer in its own section, stamped with the service and the time it read it', async () => {
      const { sections } = registration();
      const seed = await options.seed();
      const deadline = Date.now() + (options.settleMs ?? 20_000);
      let section: { service: string; readAt: string; data: Record<string, unknown> };
      let askedAt: number;
      for (;;) {
        askedAt = Date.now();
        const answer = await askExportSection(service, seed.customerId);
        expect(answer.status).toBe(200);
        section = (await answer.json()) as typeof section;
        if (matchesNow(section.data, seed.expected) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(section.service).toBe(service);
      // readAt is when the service read, so it lies within this request (a second of clock skew allowed).
      expect(Date.parse(section.readAt)).toBeGreaterThanOrEqual(askedAt - 1_000);
      expect(Date.parse(section.readAt)).toBeLessThanOrEqual(Date.now() + 1_000);
      expect(Object.keys(section.data).sort()).toEqual([...sections].sort());
      expect(section.data).toMatchObject(seed.expected);
    });

    it('answers only callers with pii:read, and only through the gateway', async () => {
      const customerId = '00000000-0000-4000-8000-000000000001';
      const masked = await askExportSection(service, customerId, {
        sub: 'conformance-agent',
        roles: ['agent'],
        scopes: ['customers:read'],
      });
      expect(masked.status).toBe(403);
      expect(masked.headers.get('content-type')).toContain('application/problem+json');
      const anonymous = await askExportSection(service, customerId, null);
      expect(anonymous.status).toBe(401);
    });

    it('answers an id that is not a uuid with a 400 problem', async () => {
      const answer = await askExportSection(service, 'not-a-uuid');
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    });

    if (options.erasure) describeErasureAndMerge(service, options, options.erasure, () => db, registration);
  });
}

function describeErasureAndMerge(
  service: string,
  options: SubjectRightsConformanceOptions,
  erasure: NonNullable<SubjectRightsConformanceOptions['erasure']>,
  db: () => Client,
  registration: () => SubjectRightsRegistration,
): void {
  let bus: MessageBus;
  let producer: RecordProducer;

  beforeAll(() => {
    bus = testBus();
    producer = bus.producer();
  });

  afterAll(async () => {
    await producer.disconnect();
    await bus.close();
  });

  /** A customer seeded and landed: some declared column holds the id. */
  const seeded = async (): Promise<string> => {
    const { customerId } = await options.seed();
    await eventually(
      async () => (await declaredColumnsHolding(db(), registration(), customerId)).length > 0,
      options.settleMs ?? 20_000,
      `${service} to store the seeded customer`,
    );
    return customerId;
  };

  /** As customer-profile publishes it: on the customers topic, keyed by the event's subject. */
  const publish = (event: EventEnvelope) => producer.send([{ topic: Topics.customers.name, ...toBinaryMode(event) }]);

  it('erases the customer on customer.erased, leaving no id of it in the schema, and acknowledges what it removed', async () => {
    const customerId = await seeded();
    const erasureId = randomUUID();
    const definition = ErasureAcknowledgedV1[service as AcknowledgingService];
    const acks = await collectRecords(
      bus,
      Topics[definition.topic].name,
      (r) => r.key === customerId && r.headers['ce_type'] === definition.type,
    );
    try {
      await publish(
        createEnvelope(CustomerErasedV1, customerId, { customerId, erasedAt: new Date().toISOString(), erasureId }),
      );
      await eventually(async () => acks.records.length > 0, 30_000, `${service} to acknowledge the erasure`);
    } finally {
      await acks.stop();
    }
    const ack = fromBinaryMode(
      acks.records[0]!.headers,
      acks.records[0]!.value,
    ) as EventEnvelope<ErasureAcknowledgement>;
    expect(ack).toMatchObject({ type: definition.type, source: `/rapport/${service}`, subject: customerId });
    expect(definition.schema.safeParse(ack.data).success).toBe(true);
    expect(ack.data).toMatchObject({ customerId, erasureId, removed: erasure.removed });
    // The acknowledgement commits with the erasure: by now nothing of the customer may be left.
    expect(await uuidColumnsHolding(db(), registration().schema, customerId)).toEqual([]);
    expect(acks.records).toHaveLength(1);
  });

  it('re-keys what it holds on a merged customer to the survivor on customer.merged', async () => {
    const sourceId = await seeded();
    const survivorId = randomUUID();
    const before = await declaredColumnsHolding(db(), registration(), sourceId);
    const merge = createEnvelope(CustomerMergedV1, survivorId, {
      customerId: survivorId,
      survivorId,
      mergedId: sourceId,
      mergedAt: new Date().toISOString(),
    });
    await publish(merge);
    await eventually(
      async () =>
        ((await db().query(`SELECT 1 FROM "${registration().schema}".inbox WHERE event_id = $1`, [merge.id]))
          .rowCount ?? 0) === 1,
      30_000,
      `${service} to handle the merge`,
    );
    // Only the record of the merge itself still names the merged id (it keeps late events of it out).
    expect(await declaredColumnsHolding(db(), registration(), sourceId)).toEqual([
      'merged_customers.merged_customer_id',
    ]);
    expect(await declaredColumnsHolding(db(), registration(), survivorId)).toEqual(expect.arrayContaining(before));
  });
}

/** The declared customer columns that hold the id. */
async function declaredColumnsHolding(
  db: Client,
  registration: SubjectRightsRegistration,
  customerId: string,
): Promise<string[]> {
  const found: string[] = [];
  for (const column of registration.customerColumns) {
    const [table, name] = column.split('.') as [string, string];
    const { rowCount } = await db.query(
      `SELECT 1 FROM "${registration.schema}"."${table}" WHERE "${name}" = $1 LIMIT 1`,
      [customerId],
    );
    if (rowCount) found.push(column);
  }
  return found;
}

function matchesNow(data: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  try {
    expect(data).toMatchObject(expected);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every service of the stack whose schema holds customer ids must take part in subject rights (or be
 * named, for now, in SUBJECT_RIGHTS_PENDING). A new service that stores customer data and does not
 * join fails here.
 */
export async function servicesHoldingCustomerDataOutsideSubjectRights(db: Client): Promise<string[]> {
  const outside: string[] = [];
  for (const service of SERVICE_NAMES) {
    const retained = SUBJECT_RIGHTS_RETAINED.filter((r) => r.service === service).map((r) => r.column);
    const columns = (await customerIdColumns(db, schemaOf(service))).filter((c) => !retained.includes(c));
    if (columns.length === 0) continue;
    const joined = SUBJECT_RIGHTS_PARTICIPANTS.some((p) => p.service === service);
    if (!joined && !SUBJECT_RIGHTS_PENDING.includes(service)) outside.push(service);
  }
  return outside;
}
