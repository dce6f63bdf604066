import { randomUUID } from 'node:crypto';
import { createEnvelope, CustomerCreatedV1, CustomerMergedV1, type EventEnvelope } from '@rapport/contracts';
import { eventually, startServiceInProcess, type InProcessService } from '@rapport/testing';
import {
  customerRecord,
  monthsAgo,
  purchaseRecord,
  purchaseRecorded,
  purchaseRefunded,
} from '../../test/factories/loyalty-events';
import {
  closeLoyaltyTestClients,
  LoyaltyInternalApi,
  newMember,
  openLoyaltyTestClients,
  type LoyaltyTestClients,
} from '../../test/loyalty-stack';
import { AppModule } from '../app.module';

/**
 * Medium tier: customer.merged in loyalty, against the test stack's real broker and database. Members
 * open from real customer.created events; the merge and the purchases, refunds and late events around
 * it are published as customer-profile publishes them (the merge keyed by the survivor, on the
 * customers topic) and consumed by the stack's loyalty. Reads, referrals and reconciliation go to
 * loyalty booted in this process, on its internal API with a signed caller identity (no gateway).
 * The merge from the customer's side, through the gateway, is e2e/loyalty-merge.e2e-spec.ts's.
 */
describe('loyalty on customer.merged', () => {
  let sut: InProcessService;
  let api: LoyaltyInternalApi;
  let clients: LoyaltyTestClients;

  beforeAll(async () => {
    clients = await openLoyaltyTestClients();
    sut = await startServiceInProcess('loyalty', AppModule);
    api = await LoyaltyInternalApi.of(sut);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeLoyaltyTestClients(clients);
  });

  const db = () => clients.db;
  const purchase = (...events: EventEnvelope[]) => clients.producer.send(events.map(purchaseRecord));
  const customers = (...events: EventEnvelope[]) => clients.producer.send(events.map(customerRecord));
  const merged = (survivorId: string, mergedId: string) =>
    createEnvelope(CustomerMergedV1, survivorId, {
      customerId: survivorId,
      survivorId,
      mergedId,
      mergedAt: new Date().toISOString(),
    });
  const member = async (customerId: string) =>
    (
      await db().query(
        `SELECT balance::int, tier, tier_period_ends_at, merged_into FROM loyalty.members WHERE customer_id = $1`,
        [customerId],
      )
    ).rows[0] as
      | { balance: number; tier: string | null; tier_period_ends_at: Date | null; merged_into: string | null }
      | undefined;
  const balance = async (customerId: string) => (await member(customerId))?.balance ?? -1;
  const waitForBalance = (customerId: string, expected: number, what: string) =>
    eventually(async () => (await balance(customerId)) === expected, 20_000, what);
  const handled = (event: EventEnvelope) =>
    eventually(
      async () => (await db().query('SELECT 1 FROM loyalty.inbox WHERE event_id = $1', [event.id])).rowCount === 1,
      20_000,
      `event ${event.type} handled`,
    );
  const openLots = async (customerId: string) =>
    (
      await db().query(
        `SELECT source_id, remaining::int, earned_at, expires_at FROM loyalty.lots WHERE customer_id = $1 AND remaining > 0 ORDER BY expires_at, source_id`,
        [customerId],
      )
    ).rows as Array<{ source_id: string | null; remaining: number; earned_at: Date; expires_at: Date }>;
  const movements = async (customerId: string) =>
    (
      await db().query(
        `SELECT kind, points::int, balance_after::int, source_id FROM loyalty.movements WHERE customer_id = $1 ORDER BY seq`,
        [customerId],
      )
    ).rows;
  const reconciliation = async () => (await api.reconciliation().expect(200)).body;
  const purchaseId = (event: EventEnvelope) => (event.data as { purchaseId: string }).purchaseId;

  it('moves balance and lots with their expiry to the survivor; a refund or purchase of the merged customer then lands on the survivor; redelivery changes nothing', async () => {
    const survivor = await newMember(clients);
    const source = await newMember(clients);
    const own = purchaseRecorded(survivor, '300.00', { occurredAt: monthsAgo(2) });
    const older = purchaseRecorded(source, '200.00', { occurredAt: monthsAgo(5) });
    const newer = purchaseRecorded(source, '150.00');
    await purchase(own, older, newer);
    await waitForBalance(survivor, 300, 'the survivor’s points');
    await waitForBalance(source, 350, 'the source’s points');
    const sourceLots = await openLots(source);
    expect(sourceLots.map((l) => [l.source_id, l.remaining])).toEqual([
      [`purchase:${purchaseId(older)}`, 200],
      [`purchase:${purchaseId(newer)}`, 150],
    ]);

    const merge = merged(survivor, source);
    await customers(merge);
    await eventually(async () => (await member(source))?.merged_into === survivor, 20_000, 'the merge applied');

    expect(await balance(survivor)).toBe(650);
    expect(await balance(source)).toBe(0);
    // The source's lots live on with their own earn and expiry dates (and origin), now the survivor's.
    const lots = await openLots(survivor);
    expect(lots.filter((l) => l.source_id !== `purchase:${purchaseId(own)}`)).toEqual(
      sourceLots.map((l) => ({
        source_id: l.source_id,
        remaining: l.remaining,
        earned_at: l.earned_at,
        expires_at: l.expires_at,
      })),
    );
    expect(await openLots(source)).toEqual([]);
    // Each account's statement tells what happened to it: the move out, and the move in.
    expect((await movements(source)).at(-1)).toEqual({
      kind: 'merge',
      points: -350,
      balance_after: 0,
      source_id: `merge:${source}:out`,
    });
    const statement = (await api.statement(survivor).expect(200)).body;
    expect(statement.balance).toBe(650);
    expect(statement.items[0]).toMatchObject({
      kind: 'merge',
      points: 350,
      balanceAfter: 650,
      sourceId: `merge:${source}:in`,
      reason: `merged from customer ${source}`,
    });
    // Reads of the merged id answer with the survivor's account, as customer-profile answers with the survivor.
    const read = (await api.member(source).expect(200)).body;
    expect(read).toMatchObject({ customerId: survivor, balance: 650 });
    const books = await reconciliation();
    expect(books).toMatchObject({ ok: true, entriesSum: 0, unbalancedMovements: 0, mismatchedMembers: 0 });
    expect(books.accounts.member_transfers ?? 0).toBe(0);

    // The same merge delivered again, and published again under a new event id: nothing changes.
    const again = merged(survivor, source);
    await customers(merge, again);
    await handled(again);
    expect(await balance(survivor)).toBe(650);
    expect(await movements(survivor)).toHaveLength(2);
    expect(await movements(source)).toHaveLength(3);

    // A refund of the source's purchase (the event still naming the source) debits the survivor, from that purchase's lot.
    await clients.producer.send([purchaseRecord(purchaseRefunded(source, purchaseId(older), '200.00', 1))]);
    await waitForBalance(survivor, 450, 'the refund debited from the survivor');
    expect((await openLots(survivor)).map((l) => l.source_id)).not.toContain(`purchase:${purchaseId(older)}`);
    expect((await movements(survivor)).at(-1)).toMatchObject({ kind: 'reverse', points: -200, balance_after: 450 });
    // A late purchase of the merged id earns for the survivor; its late customer.created opens nothing.
    await purchase(purchaseRecorded(source, '20.00'));
    await waitForBalance(survivor, 470, 'the late purchase credited to the survivor');
    const lateCreated = createEnvelope(CustomerCreatedV1, source, {
      customerId: source,
      kind: 'person',
      createdAt: new Date().toISOString(),
      contactFingerprints: ['A'.repeat(43)],
    });
    await customers(lateCreated);
    await handled(lateCreated);
    expect(await member(source)).toMatchObject({ balance: 0, merged_into: survivor });
    expect(
      (await db().query('SELECT 1 FROM loyalty.member_fingerprints WHERE customer_id = $1', [source])).rowCount,
    ).toBe(0);
    expect(await movements(source)).toHaveLength(3);
    expect((await reconciliation()).ok).toBe(true);
  }, 120_000);

  it('lands every purchase of the merged customer on the survivor when they race the merge', async () => {
    const survivor = await newMember(clients);
    const source = await newMember(clients);
    await purchase(purchaseRecorded(source, '100.00'));
    await waitForBalance(source, 100, 'the source’s first points');
    const merge = merged(survivor, source);
    // The merge (customers topic) and a run of the source's purchases (purchases topic) at once.
    await Promise.all([
      customers(merge),
      purchase(...Array.from({ length: 20 }, (_, i) => purchaseRecorded(source, `${10 + i}.00`))),
    ]);
    const total = 100 + Array.from({ length: 20 }, (_, i) => 10 + i).reduce((a, b) => a + b, 0);
    await waitForBalance(survivor, total, 'every point on the survivor');
    await handled(merge);
    expect(await member(source)).toMatchObject({ balance: 0, merged_into: survivor });
    expect(await openLots(source)).toEqual([]);
    expect((await openLots(survivor)).reduce((sum, lot) => sum + lot.remaining, 0)).toBe(total);
    expect((await reconciliation()).ok).toBe(true);
  }, 120_000);

  it('opens the survivor’s account when loyalty never saw it, follows chains (A→B, then B→C), and sends late events of A to C', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await purchase(purchaseRecorded(a, '40.00'));
    await waitForBalance(a, 40, 'A’s points');
    const aIntoB = merged(b, a);
    await customers(aIntoB);
    await handled(aIntoB);
    expect(await member(b)).toMatchObject({ balance: 40, merged_into: null });
    await purchase(purchaseRecorded(b, '10.00'));
    await waitForBalance(b, 50, 'B’s own purchase');
    const bIntoC = merged(c, b);
    await customers(bIntoC);
    await handled(bIntoC);
    expect(await balance(c)).toBe(50);
    // A late purchase of A follows A→B→C.
    await purchase(purchaseRecorded(a, '5.00'));
    await waitForBalance(c, 55, 'A’s late purchase on C');
    expect([await balance(a), await balance(b)]).toEqual([0, 0]);
    // A merge of a customer loyalty never saw leaves a tombstone: its first purchase, arriving later, lands on the survivor.
    const [ghost, keeper] = [randomUUID(), randomUUID()];
    const ghostMerge = merged(keeper, ghost);
    await customers(ghostMerge);
    await handled(ghostMerge);
    await purchase(purchaseRecorded(ghost, '30.00'));
    await waitForBalance(keeper, 30, 'the merged customer’s first purchase on the survivor');
    expect(await member(ghost)).toMatchObject({ balance: 0, merged_into: keeper });
  }, 120_000);

  it('keeps the higher tier, moves tier history and referrals, and drops a referral between the two', async () => {
    const survivor = await newMember(clients);
    const source = await newMember(clients);
    const friend = await newMember(clients);
    const codeOf = async (id: string) => (await api.referralCode(id, 'admin').expect(200)).body.code as string;
    const sourceCode = await codeOf(source);
    // The friend was referred by the source and has not bought yet; the source also referred the survivor (a referral between the two).
    await api.refer(friend, sourceCode, 'admin').expect(201);
    await api.refer(survivor, sourceCode, 'admin').expect(201);
    // The source reaches gold (5 000 in the window); the survivor has no tier.
    await purchase(purchaseRecorded(source, '5000.00', { occurredAt: monthsAgo(1) }));
    await eventually(async () => (await member(source))?.tier === 'gold', 20_000, 'the source in gold');
    const sourcePeriod = (await member(source))!.tier_period_ends_at;

    const merge = merged(survivor, source);
    await customers(merge);
    await handled(merge);
    expect(await member(survivor)).toMatchObject({ tier: 'gold', tier_period_ends_at: sourcePeriod, balance: 5000 });
    const history = (await api.member(survivor, 'admin').expect(200)).body.tierHistory;
    expect(
      history.map((h: { from: string | null; to: string | null; reason: string }) => [h.from, h.to, h.reason]),
    ).toEqual([
      [null, 'gold', 'qualified by purchase'],
      [null, 'gold', `held by merged customer ${source}`],
    ]);
    const tierEvents = await db().query(
      `SELECT payload FROM loyalty.outbox WHERE message_key = $1 AND event_type = 'rapport.loyalty.tier.changed.v1'`,
      [survivor],
    );
    expect(tierEvents.rows.map((r: { payload: string }) => JSON.parse(r.payload))).toEqual([
      expect.objectContaining({ customerId: survivor, from: null, to: 'gold' }),
    ]);
    const referrals = await db().query(
      `SELECT referred_id, referrer_id, status FROM loyalty.referrals WHERE $1 IN (referred_id, referrer_id) OR $2 IN (referred_id, referrer_id)`,
      [survivor, source],
    );
    expect(referrals.rows).toEqual([{ referred_id: friend, referrer_id: survivor, status: 'pending' }]);
    // The survivor had no code: the source's, already in friends' hands, is the survivor's now.
    expect(await codeOf(survivor)).toBe(sourceCode);

    // The friend's first purchase now rewards the survivor as the referrer.
    await purchase(purchaseRecorded(friend, '120.00', { firstPurchase: true }));
    await waitForBalance(survivor, 5500, 'the referral reward on the survivor');
    expect(await balance(source)).toBe(0);
    expect((await reconciliation()).ok).toBe(true);
  }, 120_000);
});
