import { deadLetterTopicOf, Topics, type EventEnvelope } from '@rapport/contracts';
import { DeadLetterHeaders, type MessageBus, type RecordProducer } from '@rapport/platform-messaging';
import { collectRecords, eventually, handledBy, startServiceInProcess, type InProcessService } from '@rapport/testing';
import fc from 'fast-check';
import type { Client } from 'pg';
import {
  customerErased,
  customerRecord,
  monthsAgo,
  purchaseRecord,
  purchaseRecorded,
  purchaseRefunded,
} from '../../test/factories/loyalty-events';
import {
  closeLoyaltyTestClients,
  LoyaltyInternalApi,
  newMember as openMember,
  openLoyaltyTestClients,
} from '../../test/loyalty-stack';
import { AppModule } from '../app.module';

/**
 * Medium tier: the points ledger against the test stack's real broker and database. Members open
 * from real customer.created events, and purchases and refunds arrive as customer-profile publishes
 * them (on the broker, consumed by the stack's loyalty); redemptions, adjustments, rewards, expiry
 * runs, reconciliation, statements and member reads go to loyalty booted in this process, on its
 * internal API with a signed caller identity, without the gateway (and its rate limit). The gateway's
 * side of these routes (row-level rule, Idempotency-Key, audit) is e2e/loyalty.e2e-spec.ts's.
 */
describe('loyalty points ledger', () => {
  let sut: InProcessService;
  let api: LoyaltyInternalApi;
  let bus: MessageBus;
  let producer: RecordProducer;
  let db: Client;

  beforeAll(async () => {
    ({ bus, producer, db } = await openLoyaltyTestClients());
    sut = await startServiceInProcess('loyalty', AppModule);
    api = await LoyaltyInternalApi.of(sut);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeLoyaltyTestClients({ bus, producer, db });
  });

  const newMember = () => openMember({ producer, db });

  const balance = async (customerId: string) =>
    Number(
      (await db.query('SELECT balance FROM loyalty.members WHERE customer_id = $1', [customerId])).rows[0]?.balance ??
        -1,
    );
  const waitForBalance = (customerId: string, expected: number, what = `balance ${expected}`) =>
    eventually(async () => (await balance(customerId)) === expected, 20_000, what);
  const publish = async (...events: EventEnvelope[]) => producer.send(events.map(purchaseRecord));
  const movements = async (customerId: string) =>
    (
      await db.query(
        'SELECT kind, points::int, shortfall::int, balance_after::int FROM loyalty.movements WHERE customer_id = $1 ORDER BY seq',
        [customerId],
      )
    ).rows as Array<{ kind: string; points: number; shortfall: number; balance_after: number }>;
  const redeem = (customerId: string, body: object, caller: 'agent1' | 'admin' = 'agent1') =>
    api.redeem(customerId, body, caller);
  const reconciliation = async () => (await api.reconciliation().expect(200)).body;
  /** The first power of ten comfortably above every movement seq taken so far. */
  const nextPowerOfTen = async () => {
    const { rows } = await db.query(
      `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('loyalty.movements', 'seq')::regclass), 0)::text AS last`,
    );
    return 10n ** BigInt(String(BigInt(rows[0].last as string) + 50n).length);
  };

  it('applies the neighbours of a failing event in its batch and dead-letters only the failing one', async () => {
    const customerId = await newMember();
    // Beyond numeric(19,4): the database refuses it inside the handler, after the batch began.
    const failing = purchaseRecorded(customerId, '1000000000000000000.00');
    const dlq = await collectRecords(bus, deadLetterTopicOf('loyalty').name, (r) => r.headers['ce_id'] === failing.id);
    try {
      // One send, one key: the three records reach loyalty in order, as one fetched batch.
      await publish(purchaseRecorded(customerId, '10.00'), failing, purchaseRecorded(customerId, '20.00'));
      await waitForBalance(customerId, 30, 'the two good purchases credited');
      await eventually(async () => dlq.records.length === 1, 30_000, 'the failing purchase on the dead-letter topic');
    } finally {
      await dlq.stop();
    }
    expect((await movements(customerId)).map((m) => [m.kind, m.points])).toEqual([
      ['earn', 10],
      ['earn', 20],
    ]);
    expect(dlq.records[0]!.headers[DeadLetterHeaders.reason]).toBe('handler');
    expect(dlq.records[0]!.headers[DeadLetterHeaders.error]).toContain('numeric field overflow');
    const inbox = await db.query('SELECT count(*)::int AS n FROM loyalty.inbox WHERE event_id = $1', [failing.id]);
    expect(inbox.rows[0].n).toBe(0);
  }, 60_000);

  it('credits a purchase once however often it is delivered (same event 5 times, and re-published under new event ids)', async () => {
    const customerId = await newMember();
    const event = purchaseRecorded(customerId, '100.00');
    const republished = {
      ...purchaseRecorded(customerId, '100.00', { purchaseId: (event.data as { purchaseId: string }).purchaseId }),
    };
    await publish(event, event, event, event, event, republished, republished);
    // A later purchase of the same customer shares the partition: once it is credited, every copy before it was seen.
    await publish(purchaseRecorded(customerId, '7.00'));
    await waitForBalance(customerId, 107);
    expect((await movements(customerId)).map((m) => [m.kind, m.points])).toEqual([
      ['earn', 100],
      ['earn', 7],
    ]);
    const inbox = await db.query('SELECT count(*)::int AS n FROM loyalty.inbox WHERE event_id = $1', [event.id]);
    expect(inbox.rows[0].n).toBe(1);
    const entries = await db.query(
      `SELECT account, sum(amount)::int AS total FROM loyalty.entries WHERE customer_id = $1 GROUP BY account ORDER BY account`,
      [customerId],
    );
    expect(entries.rows).toEqual([
      { account: 'member_liability', total: -107 },
      { account: 'points_expense', total: 107 },
    ]);
  });

  it('publishes points.earned through the outbox', async () => {
    const customerId = await newMember();
    const earned = await collectRecords(
      bus,
      Topics.loyalty.name,
      (r) => r.key === customerId && r.headers['ce_type'] === 'rapport.loyalty.points.earned.v1',
    );
    try {
      await publish(purchaseRecorded(customerId, '42.00'));
      await eventually(async () => earned.records.length === 1, 20_000, 'points.earned on the loyalty topic');
      expect(JSON.parse(earned.records[0]!.value!)).toMatchObject({
        customerId,
        points: 42,
        balance: 42,
        reason: 'purchase',
      });
    } finally {
      await earned.stop();
    }
  });

  it('lets exactly 10 of 50 concurrent redemptions through when the balance covers 10, never going negative', async () => {
    const customerId = await newMember();
    await publish(purchaseRecorded(customerId, '1000.00'));
    await waitForBalance(customerId, 1000);
    const responses = await Promise.all(Array.from({ length: 50 }, () => redeem(customerId, { points: 100 })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(responses.find((r) => r.status === 409)!.body.type).toBe('https://rapport.dev/problems/conflict');
    expect(await balance(customerId)).toBe(0);
    const redeemed = (await movements(customerId)).filter((m) => m.kind === 'redeem');
    expect(redeemed).toHaveLength(10);
    expect(redeemed.every((m) => m.balance_after >= 0)).toBe(true);
    expect(
      Number(
        (await db.query('SELECT sum(remaining) AS s FROM loyalty.lots WHERE customer_id = $1', [customerId])).rows[0].s,
      ),
    ).toBe(0);
  });

  it('never oversells a reward with stock 10 under 50 concurrent redemptions', async () => {
    const [a, b] = [await newMember(), await newMember()];
    await publish(purchaseRecorded(a, '1000.00'), purchaseRecorded(b, '1000.00'));
    await waitForBalance(a, 1000);
    await waitForBalance(b, 1000);
    const reward = await api.createReward({ name: 'Tea set', pointsPrice: 10, stock: 10 }).expect(201);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => redeem(i % 2 === 0 ? a : b, { rewardId: reward.body.id })),
    );
    const ok = responses.filter((r) => r.status === 201);
    expect(ok).toHaveLength(10);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(40);
    expect(new Set(ok.map((r) => r.body.couponCode)).size).toBe(10);
    const stock = await db.query('SELECT stock FROM loyalty.rewards WHERE id = $1', [reward.body.id]);
    expect(stock.rows[0].stock).toBe(0);
    expect((await balance(a)) + (await balance(b))).toBe(2000 - 100);
  });

  it('pages the statement without ever skipping a movement while 40 writers of different kinds post to the member at once', async () => {
    // The statement is keyset-paged on movements.seq, newest first. Every writer takes the member's row
    // lock before its movement takes a seq, so for one member seq order is commit order: a walk that
    // begins at seq S sees exactly the movements with seq <= S, and S is at least the newest movement
    // committed before the walk began. Were seq order not commit order (a seq taken before another's
    // but committed after it), a walk passing that point meanwhile would skip a movement.
    const customerId = await newMember();
    await api.adjust(customerId, 5_000, 'opening credit').expect(201);
    const opening = purchaseRecorded(customerId, '500.00');
    await publish(opening);
    await waitForBalance(customerId, 5_500, 'the opening credit and purchase');
    const openingPurchase = (opening.data as { purchaseId: string }).purchaseId;
    // The sequence moved to just below a power of ten, so that the race's seqs change their number of
    // digits: a statement sorted by seq's text instead of its number ("99" before "100") shows at once,
    // whatever the number of movements the stack had taken so far.
    await db.query(`SELECT setval(pg_get_serial_sequence('loyalty.movements', 'seq'), $1::bigint)`, [
      (await nextPowerOfTen()) - 5n,
    ]);

    const events: EventEnvelope[] = [];
    const writer = (kind: string, i: number): (() => Promise<unknown>) => {
      const points = 1 + ((i * 7) % 20);
      switch (kind) {
        case 'credit':
          return () => api.adjust(customerId, points, 'race credit').expect(201);
        case 'debit':
          return () => api.adjust(customerId, -points, 'race debit').expect(201);
        case 'redeem':
          return () => redeem(customerId, { points }).expect(201);
        case 'hold-confirm':
          return async () => {
            const hold = await redeem(customerId, { points, hold: true }).expect(201);
            await api.confirm(customerId, hold.body.redemptionId as string).expect(200);
          };
        case 'purchase': {
          const event = purchaseRecorded(customerId, `${10 + i}.00`); // earned by the stack's loyalty process
          events.push(event);
          return () => publish(event);
        }
        default: {
          const event = purchaseRefunded(customerId, openingPurchase, '25.00', 0.05);
          events.push(event);
          return () => publish(event);
        }
      }
    };
    const kinds = [
      ...Array<string>(10).fill('credit'),
      ...Array<string>(8).fill('debit'),
      ...Array<string>(10).fill('redeem'),
      ...Array<string>(4).fill('hold-confirm'),
      ...Array<string>(6).fill('purchase'),
      ...Array<string>(2).fill('refund'),
    ];
    const writers = kinds.map((kind, i) => writer(kind, i));
    for (let i = writers.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [writers[i], writers[j]] = [writers[j]!, writers[i]!];
    }

    const newestSeq = async () =>
      BigInt(
        (
          await db.query('SELECT coalesce(max(seq), 0)::text AS newest FROM loyalty.movements WHERE customer_id = $1', [
            customerId,
          ])
        ).rows[0].newest as string,
      );
    /** One walk of the whole statement, 3 lines a page, and the newest movement committed before it began. */
    const walk = async (): Promise<{ committedBefore: bigint; seen: string[] }> => {
      const committedBefore = await newestSeq();
      const seen: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await api.statement(customerId, { limit: 3, ...(before ? { before } : {}) }).expect(200);
        seen.push(...page.body.items.map((item: { movementId: string }) => item.movementId));
        if (!page.body.nextCursor) return { committedBefore, seen };
        before = page.body.nextCursor as string;
      }
    };
    let writing = true;
    const walks: Array<Awaited<ReturnType<typeof walk>>> = [];
    const walker = async () => {
      do walks.push(await walk());
      while (writing);
    };
    const writes = (async () => {
      try {
        // Spread over half a second, so that writes keep landing while the walkers page.
        await Promise.all(
          writers.map(async (write, i) => {
            await new Promise((r) => setTimeout(r, (i * 13) % 500));
            await write();
          }),
        );
        for (const event of events) await handledBy(db, 'loyalty', event);
      } finally {
        writing = false;
      }
    })();
    await Promise.all([writes, walker(), walker(), walker()]);

    // What the database holds once every write is done, newest first (by the number, not its text).
    const stored = (
      await db.query<{ id: string; seq_text: string }>(
        'SELECT id, seq::text AS seq_text FROM loyalty.movements WHERE customer_id = $1 ORDER BY seq DESC',
        [customerId],
      )
    ).rows.map((m) => ({ id: m.id, seq: BigInt(m.seq_text) }));
    expect(stored).toHaveLength(2 + kinds.length);
    const seqOf = new Map(stored.map((m) => [m.id, m.seq]));
    // Each walk: from its first line, every movement down to the oldest, newest first; and its first
    // line no older than the newest movement committed before it began.
    const skipped = walks.flatMap(({ committedBefore, seen }, index) => {
      const first = seqOf.get(seen[0]!)!;
      const upTo = first > committedBefore ? first : committedBefore;
      const expected = stored.filter((m) => m.seq <= upTo).map((m) => m.id);
      if (JSON.stringify(seen) === JSON.stringify(expected)) return [];
      return [
        {
          walk: index,
          committedBefore: committedBefore.toString(),
          seen: seen.map((id) => seqOf.get(id)?.toString() ?? id),
          missing: expected.filter((id) => !seen.includes(id)).map((id) => seqOf.get(id)!.toString()),
        },
      ];
    });
    expect({ walks: walks.length, skipping: skipped.length, firstSkipping: skipped.slice(0, 2) }).toEqual({
      walks: walks.length,
      skipping: 0,
      firstSkipping: [],
    });
    // The walks did run while the writes landed: they began at different newest movements.
    expect(new Set(walks.map(({ seen }) => seen[0])).size).toBeGreaterThan(1);

    // The final statement: every movement newest first, each line's running balance following from the
    // older one, the newest line's balance the member's.
    const final = (await api.statement(customerId, { limit: 200 }).expect(200)).body as {
      balance: number;
      items: Array<{ movementId: string; points: number; balanceAfter: number }>;
    };
    expect(final.items.map((item) => seqOf.get(item.movementId)?.toString())).toEqual(
      stored.map((m) => m.seq.toString()),
    );
    expect(final.items[0]!.balanceAfter).toBe(final.balance);
    expect(final.balance).toBe(await balance(customerId));
    expect(
      final.items.flatMap((item, i) => {
        const older = final.items[i + 1]?.balanceAfter ?? 0;
        return item.balanceAfter === older + item.points ? [] : [{ ...item, older }];
      }),
    ).toEqual([]);
  });

  it('records a shortfall when a refund comes after part of the points were spent, and no lot goes negative', async () => {
    const customerId = await newMember();
    const purchase = purchaseRecorded(customerId, '100.00');
    const purchaseId = (purchase.data as { purchaseId: string }).purchaseId;
    await publish(purchase);
    await waitForBalance(customerId, 100);
    expect((await redeem(customerId, { points: 80 })).status).toBe(201);
    const refund = purchaseRefunded(customerId, purchaseId, '100.00', 1);
    await publish(refund, refund);
    await eventually(
      async () => (await movements(customerId)).some((m) => m.kind === 'reverse'),
      20_000,
      'the reversal',
    );
    expect(await balance(customerId)).toBe(0);
    const reversal = (await movements(customerId)).filter((m) => m.kind === 'reverse');
    expect(reversal).toEqual([{ kind: 'reverse', points: -20, shortfall: 80, balance_after: 0 }]);
    const lots = await db.query('SELECT remaining::int FROM loyalty.lots WHERE customer_id = $1', [customerId]);
    expect(lots.rows).toEqual([{ remaining: 0 }]);
    const statement = await api.statement(customerId).expect(200);
    expect(statement.body.items[0]).toMatchObject({
      kind: 'reverse',
      points: -20,
      shortfall: 80,
      balanceAfter: 0,
      sourceId: `refund:${(refund.data as { refundId: string }).refundId}`,
    });
  });

  it('reverses a partial refund in proportion and a second partial refund the rest', async () => {
    const customerId = await newMember();
    const purchase = purchaseRecorded(customerId, '300.00');
    const purchaseId = (purchase.data as { purchaseId: string }).purchaseId;
    await publish(purchase);
    await waitForBalance(customerId, 300);
    await publish(purchaseRefunded(customerId, purchaseId, '100.00', 1 / 3));
    await waitForBalance(customerId, 200);
    await publish(purchaseRefunded(customerId, purchaseId, '200.00', 2 / 3));
    await waitForBalance(customerId, 0);
    expect((await movements(customerId)).map((m) => m.shortfall)).toEqual([0, 0, 0]);
  });

  it('expires the oldest lot once, even when the run is repeated or runs twice at once', async () => {
    const customerId = await newMember();
    const old = purchaseRecorded(customerId, '100.00', { occurredAt: monthsAgo(12, 60 * 60 * 1000) }); // expires in an hour
    const recent = purchaseRecorded(customerId, '100.00', { occurredAt: monthsAgo(1) });
    await publish(old, recent);
    await waitForBalance(customerId, 200);
    expect((await redeem(customerId, { points: 30 })).status).toBe(201); // spent from the lot that expires first
    const lots = async () =>
      (
        await db.query(
          'SELECT source_id, remaining::int FROM loyalty.lots WHERE customer_id = $1 ORDER BY expires_at',
          [customerId],
        )
      ).rows.map((r) => r.remaining as number);
    expect(await lots()).toEqual([70, 100]);
    const asOf = new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString();
    const run = () => api.expiryRun({ asOf }).expect(200);
    await Promise.all([run(), run()]);
    await run();
    expect(await lots()).toEqual([0, 100]);
    expect(await balance(customerId)).toBe(100);
    expect((await movements(customerId)).filter((m) => m.kind === 'expire')).toEqual([
      { kind: 'expire', points: -70, shortfall: 0, balance_after: 100 },
    ]);
    const member = await api.member(customerId).expect(200);
    expect(member.body).toMatchObject({ balance: 100, expiringSoon: { points: 0 } });
  });

  it('upgrades on the purchase that crosses the threshold, and a refund does not downgrade before the period ends', async () => {
    const customerId = await newMember();
    const changes = await collectRecords(
      bus,
      Topics.loyalty.name,
      (r) => r.key === customerId && r.headers['ce_type'] === 'rapport.loyalty.tier.changed.v1',
    );
    try {
      await publish(purchaseRecorded(customerId, '600.00'));
      await waitForBalance(customerId, 600);
      expect(
        (await db.query('SELECT tier FROM loyalty.members WHERE customer_id = $1', [customerId])).rows[0].tier,
      ).toBeNull();
      const crossing = purchaseRecorded(customerId, '500.00');
      await publish(crossing);
      // The crossing purchase earns at the old tier's rate; the next one at silver's ×1.1.
      await waitForBalance(customerId, 1100);
      const member = await api.member(customerId).expect(200);
      expect(member.body).toMatchObject({
        tier: 'silver',
        tierHistory: [{ from: null, to: 'silver', reason: 'qualified by purchase' }],
      });
      await publish(purchaseRecorded(customerId, '100.00'));
      await waitForBalance(customerId, 1210);
      await eventually(async () => changes.records.length === 1, 20_000, 'tier.changed on the loyalty topic');
      expect(JSON.parse(changes.records[0]!.value!)).toMatchObject({ customerId, from: null, to: 'silver' });
      await publish(purchaseRefunded(customerId, (crossing.data as { purchaseId: string }).purchaseId, '500.00', 1));
      await waitForBalance(customerId, 710);
      expect(
        (await db.query('SELECT tier FROM loyalty.members WHERE customer_id = $1', [customerId])).rows[0].tier,
      ).toBe('silver');
    } finally {
      await changes.stop();
    }
  });

  it('earns for a run of purchases handled together exactly as one by one: the crossing purchase upgrades, the next earns at the new rate', async () => {
    const customerId = await newMember();
    const other = await newMember();
    const changes = await collectRecords(
      bus,
      Topics.loyalty.name,
      (r) => r.key === customerId && r.headers['ce_type'] === 'rapport.loyalty.tier.changed.v1',
    );
    try {
      // One send: the records reach loyalty together and are earned in one set-based run (two members
      // interleaved, one purchase delivered twice within the run).
      const first = purchaseRecorded(customerId, '600.00');
      await publish(
        first,
        purchaseRecorded(other, '50.00'),
        purchaseRecorded(customerId, '500.00'),
        first,
        purchaseRecorded(customerId, '100.00'),
        purchaseRecorded(other, '25.00'),
      );
      await waitForBalance(customerId, 1210, '600 + 500 at the base rate, then 100 at silver x1.1');
      await waitForBalance(other, 75);
      expect((await movements(customerId)).map((m) => [m.kind, m.points, m.balance_after])).toEqual([
        ['earn', 600, 600],
        ['earn', 500, 1100],
        ['earn', 110, 1210],
      ]);
      const member = await api.member(customerId).expect(200);
      expect(member.body).toMatchObject({
        tier: 'silver',
        tierHistory: [{ from: null, to: 'silver', reason: 'qualified by purchase' }],
      });
      await eventually(async () => changes.records.length === 1, 20_000, 'tier.changed on the loyalty topic');
      expect((await reconciliation()).mismatchedMembers).toBe(0);
    } finally {
      await changes.stop();
    }
  });

  it('downgrades at the end of the qualification period when the window no longer qualifies', async () => {
    const customerId = await newMember();
    await publish(purchaseRecorded(customerId, '1500.00', { occurredAt: monthsAgo(13) })); // silver until a month ago
    await eventually(async () => (await movements(customerId)).length >= 1, 20_000, 'the old purchase');
    await api.expiryRun().expect(200);
    const member = await api.member(customerId).expect(200);
    expect(member.body.tier).toBeNull();
    expect(member.body.tierHistory.map((h: { from: string | null; to: string | null }) => [h.from, h.to])).toEqual([
      [null, 'silver'],
      ['silver', null],
    ]);
    expect(member.body.balance).toBe(0); // the 13-month-old lot expired too
  });

  it('reconciles against the database after a randomised sequence of earns, refunds, redemptions, adjustments and expiries', async () => {
    const op = fc.oneof(
      fc.record({
        op: fc.constant('earn' as const),
        amount: fc.integer({ min: 1, max: 900 }),
        monthsBack: fc.integer({ min: 0, max: 11 }),
      }),
      fc.record({ op: fc.constant('refund' as const), index: fc.nat(20), percent: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ op: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 700 }) }),
      fc.record({
        op: fc.constant('adjust' as const),
        points: fc.integer({ min: -300, max: 300 }).filter((n) => n !== 0),
      }),
      fc.record({ op: fc.constant('expire' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 8, maxLength: 14 }), async (ops) => {
        const customerId = await newMember();
        const purchases: Array<{ id: string; amount: number }> = [];
        const published: EventEnvelope[] = [];
        const send = async (event: EventEnvelope) => {
          published.push(event);
          await publish(event);
        };
        // Every event published so far handled by loyalty (its inbox mark commits with the effects).
        const settled = async () => {
          for (const event of published) await handledBy(db, 'loyalty', event);
        };
        for (const o of ops) {
          if (o.op === 'earn') {
            const event = purchaseRecorded(customerId, `${o.amount}.00`, { occurredAt: monthsAgo(o.monthsBack) });
            purchases.push({ id: (event.data as { purchaseId: string }).purchaseId, amount: o.amount });
            await send(event);
          } else if (o.op === 'refund' && purchases.length > 0) {
            const p = purchases[o.index % purchases.length]!;
            const amount = Math.max(1, Math.floor((p.amount * o.percent) / 100));
            await send(purchaseRefunded(customerId, p.id, `${amount}.00`, Math.min(1, amount / p.amount)));
          } else {
            // Let the events published so far land before an HTTP write, as a real client would see them.
            await settled();
            if (o.op === 'redeem') {
              const r = await redeem(customerId, { points: o.points }, 'admin');
              expect([201, 409]).toContain(r.status);
            } else if (o.op === 'adjust') {
              const r = await api.adjust(customerId, o.points, 'property test');
              expect([201, 409]).toContain(r.status);
            } else {
              await api.expiryRun().expect(200);
            }
          }
        }
        await settled();
        const report = await reconciliation();
        expect(report).toMatchObject({
          ok: true,
          entriesSum: 0,
          unbalancedMovements: 0,
          negativeLots: 0,
          mismatchedMembers: 0,
        });
        expect(report.liabilityTotal).toBe(report.balanceTotal);
        const statement = await api.statement(customerId, { limit: 200 }, 'admin').expect(200);
        const sum = statement.body.items.reduce((s: number, i: { points: number }) => s + i.points, 0);
        expect(sum).toBe(statement.body.balance);
        expect(statement.body.balance).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2 },
    );
  });

  it("rewards both sides once on the referred member's first purchase of the minimum, and refuses self, mutual and late referrals", async () => {
    const [referrer, referred, late] = [await newMember(), await newMember(), await newMember()];
    const codeOf = async (id: string) => (await api.referralCode(id).expect(200)).body.code as string;
    const register = (id: string, code: string) => api.refer(id, code);
    const code = await codeOf(referrer);
    expect(await codeOf(referrer)).toBe(code);
    expect((await register(referrer, code)).body).toMatchObject({ status: 422, code: 'self-referral' });
    expect((await register(referred, '0000000000')).body).toMatchObject({ status: 422, code: 'unknown-referral-code' });
    const malformed = await register(referred, 'nope');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toContain('code');
    const registered = await register(referred, code.toLowerCase());
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ referredId: referred, referrerId: referrer, status: 'pending' });
    expect((await register(referred, code)).body).toMatchObject({ status: 409, code: 'already-referred' });
    expect((await register(referrer, await codeOf(referred))).body).toMatchObject({
      status: 422,
      code: 'mutual-referral',
    });

    const completed = await collectRecords(
      bus,
      Topics.loyalty.name,
      (r) => r.key === referred && r.headers['ce_type'] === 'rapport.loyalty.referral.completed.v1',
    );
    try {
      await publish(purchaseRecorded(referred, '50.00', { firstPurchase: true })); // below the programme's minimum of 100.00
      await waitForBalance(referred, 50);
      expect(await balance(referrer)).toBe(0);
      const qualifying = purchaseRecorded(referred, '200.00');
      await publish(qualifying, qualifying, purchaseRecorded(referred, '300.00'));
      await waitForBalance(referred, 50 + 200 + 200 + 300);
      await waitForBalance(referrer, 500);
      await eventually(async () => completed.records.length === 1, 20_000, 'referral.completed');
      expect(JSON.parse(completed.records[0]!.value!)).toMatchObject({ referrerId: referrer, referredId: referred });
    } finally {
      await completed.stop();
    }
    const sources = await db.query(
      `SELECT source_id FROM loyalty.movements WHERE source_id LIKE $1 ORDER BY source_id`,
      [`referral:${referred}%`],
    );
    expect(sources.rows.map((r) => r.source_id)).toEqual([
      `referral:${referred}:referred`,
      `referral:${referred}:referrer`,
    ]);

    await publish(purchaseRecorded(late, '20.00', { firstPurchase: true }));
    await waitForBalance(late, 20);
    expect((await register(late, code)).body).toMatchObject({ status: 409, code: 'already-purchased' });
  });

  it('erases personal data on customer.erased and keeps the anonymous amounts', async () => {
    const customerId = await newMember();
    await api.referralCode(customerId).expect(200);
    await api.adjust(customerId, 50, 'Sorry Mr Wang for the broken vase').expect(201);
    await producer.send([customerRecord(customerErased(customerId))]);
    await eventually(
      async () =>
        (await db.query('SELECT erased_at FROM loyalty.members WHERE customer_id = $1', [customerId])).rows[0]
          .erased_at !== null,
      20_000,
      'the erasure',
    );
    const rows = await db.query('SELECT reason, actor, points::int FROM loyalty.movements WHERE customer_id = $1', [
      customerId,
    ]);
    expect(rows.rows).toEqual([{ reason: 'erased', actor: null, points: 50 }]);
    expect(await balance(customerId)).toBe(50);
    expect(
      (await db.query('SELECT count(*)::int AS n FROM loyalty.referral_codes WHERE customer_id = $1', [customerId]))
        .rows[0].n,
    ).toBe(0);
    expect((await reconciliation()).ok).toBe(true);
    expect((await redeem(customerId, { points: 10 })).status).toBe(404);
  });
});
