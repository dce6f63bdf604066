import { randomUUID } from 'node:crypto';
import { Topics } from '@rapport/contracts';
import type { MessageBus, RecordProducer } from '@rapport/platform-messaging';
import { collectRecords, eventually, startServiceInProcess, type InProcessService } from '@rapport/testing';
import type { Client } from 'pg';
import { monthsAgo, purchaseRecord, purchaseRecorded } from '../../test/factories/loyalty-events';
import {
  closeLoyaltyTestClients,
  LoyaltyInternalApi,
  newMember as openMember,
  openLoyaltyTestClients,
} from '../../test/loyalty-stack';
import { AppModule } from '../app.module';

/**
 * Medium tier: two-step redemption (hold, then confirm or cancel) of loyalty booted in this process,
 * on its internal API with a signed caller identity (no gateway, no rate limit), against the test
 * stack's real database and broker. Members open from real customer.created events. Holds are
 * checked against the available points under the member lock, a confirm spends like a plain
 * redemption, and holds never touch the ledger (reconciliation stays whole). The gateway's replay of
 * a retried confirm or cancel (Idempotency-Key) is e2e/loyalty.e2e-spec.ts's.
 */
describe('loyalty redemption holds', () => {
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

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const newMember = () => openMember({ producer, db });

  const credit = (customerId: string, points: number) => api.adjust(customerId, points, 'opening credit').expect(201);
  const redeem = (customerId: string, body: object) => api.redeem(customerId, body);
  const act = (customerId: string, redemptionId: string, action: 'confirm' | 'cancel') =>
    action === 'confirm' ? api.confirm(customerId, redemptionId) : api.cancel(customerId, redemptionId);
  const memberView = async (customerId: string) =>
    (await api.member(customerId).expect(200)).body as {
      balance: number;
      available: number;
      held: number;
    };
  const redemptionView = (customerId: string, redemptionId: string) => api.redemption(customerId, redemptionId);
  const movements = async (customerId: string) =>
    (
      await db.query('SELECT kind, points::int FROM loyalty.movements WHERE customer_id = $1 ORDER BY seq', [
        customerId,
      ])
    ).rows as Array<{ kind: string; points: number }>;
  const stock = async (rewardId: string) =>
    (await db.query('SELECT stock FROM loyalty.rewards WHERE id = $1', [rewardId])).rows[0].stock as number;
  const newReward = async (pointsPrice: number, stockCount: number) =>
    (
      await api
        .createReward({ name: `Hold reward ${randomUUID().slice(0, 6)}`, pointsPrice, stock: stockCount })
        .expect(201)
    ).body.id as string;
  const expiryRun = async (asOf?: string) => (await api.expiryRun(asOf ? { asOf } : {}).expect(200)).body;
  const reconciliation = async () => (await api.reconciliation().expect(200)).body;

  it('reserves exactly 10 of 50 concurrent holds when the balance covers 10, and a plain redemption cannot spend held points', async () => {
    const customerId = await newMember();
    await credit(customerId, 1000);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => redeem(customerId, { points: 100, hold: true })),
    );
    const reserved = responses.filter((r) => r.status === 201);
    expect(reserved).toHaveLength(10);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(40);
    expect(responses.find((r) => r.status === 409)!.body).toMatchObject({
      type: 'https://rapport.dev/problems/conflict',
      code: 'insufficient-points',
    });
    expect(reserved.every((r) => r.body.status === 'reserved' && r.body.points === 100 && r.body.available >= 0)).toBe(
      true,
    );
    expect(new Set(reserved.map((r) => r.body.available))).toEqual(
      new Set([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]),
    );
    const expiresAt = Date.parse(reserved[0]!.body.expiresAt);
    expect(expiresAt).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    // A hold is not a movement: the balance stays, only the available points go.
    expect(await memberView(customerId)).toMatchObject({ balance: 1000, held: 1000, available: 0 });
    expect((await movements(customerId)).map((m) => m.kind)).toEqual(['adjust']);
    const plain = await redeem(customerId, { points: 1 });
    expect(plain.status).toBe(409);
    expect(plain.body.code).toBe('insufficient-points');
    const rows = await db.query(
      `SELECT status, count(*)::int AS n FROM loyalty.redemptions WHERE customer_id = $1 GROUP BY status`,
      [customerId],
    );
    expect(rows.rows).toEqual([{ status: 'reserved', n: 10 }]);
  }, 60_000);

  it('keeps a manual debit off the points a hold set aside, so the hold can still be confirmed', async () => {
    const customerId = await newMember();
    await credit(customerId, 100);
    const hold = await redeem(customerId, { points: 60, hold: true });
    expect(hold.status).toBe(201);
    const debit = (points: number) => api.adjust(customerId, -points, 'goodwill reversal');
    const tooMuch = await debit(50);
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({
      code: 'insufficient-points',
      detail: '40 points are available (60 held); 50 are needed',
    });
    expect((await debit(40)).status).toBe(201);
    expect(await memberView(customerId)).toMatchObject({ balance: 60, held: 60, available: 0 });
    expect((await act(customerId, hold.body.redemptionId as string, 'confirm')).status).toBe(200);
    expect(await memberView(customerId)).toMatchObject({ balance: 0, held: 0, available: 0 });
  }, 60_000);

  it('confirms a reward hold as a redemption once: movement, coupon and events, however often it is confirmed again', async () => {
    const customerId = await newMember();
    await credit(customerId, 100);
    const rewardId = await newReward(30, 2);
    let couponCode: string | undefined;
    const events = await collectRecords(
      bus,
      Topics.loyalty.name,
      (r) =>
        r.key === customerId &&
        ['rapport.loyalty.points.redeemed.v1', 'rapport.loyalty.reward.redeemed.v1'].includes(
          r.headers['ce_type'] as string,
        ),
    );
    try {
      const hold = await redeem(customerId, { rewardId, hold: true });
      expect(hold.status).toBe(201);
      expect(hold.body).toMatchObject({ status: 'reserved', points: 30, rewardId, available: 70 });
      const redemptionId = hold.body.redemptionId as string;
      expect(await stock(rewardId)).toBe(1); // taken at once: a hold never oversells
      await sleep(1_500);
      expect(events.records).toHaveLength(0); // nothing is redeemed until confirmed

      const confirmed = await act(customerId, redemptionId, 'confirm');
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({
        redemptionId,
        status: 'confirmed',
        points: 30,
        balance: 70,
        rewardId,
        couponCode: expect.stringMatching(/^RP-[0-9A-F]{12}$/),
      });
      couponCode = confirmed.body.couponCode as string;

      // A confirm sent again (a client's retry) is refused by loyalty and changes nothing: the coupon
      // stays the first one (checked below). Replaying the first answer to a retry with the same
      // Idempotency-Key is the gateway's (e2e/loyalty.e2e-spec.ts).
      for (const again of await Promise.all([
        act(customerId, redemptionId, 'confirm'),
        act(customerId, redemptionId, 'confirm'),
      ])) {
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({
          type: 'https://rapport.dev/problems/conflict',
          code: 'redemption-not-reserved',
          redemptionStatus: 'confirmed',
        });
      }
      const cancelAfter = await act(customerId, redemptionId, 'cancel');
      expect(cancelAfter.status).toBe(409);
      expect(cancelAfter.body).toMatchObject({ code: 'redemption-not-reserved', redemptionStatus: 'confirmed' });

      await eventually(async () => events.records.length >= 2, 20_000, 'points.redeemed and reward.redeemed');
      await sleep(1_500);
      expect(events.records.map((r) => r.headers['ce_type']).sort()).toEqual([
        'rapport.loyalty.points.redeemed.v1',
        'rapport.loyalty.reward.redeemed.v1',
      ]);
      const redeemed = events.records.map((r) => JSON.parse(r.value!));
      expect(redeemed.every((e) => e.redemptionId === redemptionId)).toBe(true);
      expect(redeemed.find((e) => 'balance' in e)).toMatchObject({ points: 30, balance: 70 });
    } finally {
      await events.stop();
    }
    expect(await stock(rewardId)).toBe(1);
    expect(await movements(customerId)).toEqual([
      { kind: 'adjust', points: 100 },
      { kind: 'redeem', points: -30 },
    ]);
    expect(await memberView(customerId)).toMatchObject({ balance: 70, held: 0, available: 70 });
    const view = await redemptionView(
      customerId,
      (await db.query('SELECT id FROM loyalty.redemptions WHERE customer_id = $1', [customerId])).rows[0].id,
    );
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      status: 'confirmed',
      movementId: expect.any(String),
      couponCode,
      confirmedAt: expect.any(String),
      releasedAt: null,
    });
  }, 60_000);

  it('cancels a hold: points available and reward stock back, and only once', async () => {
    const customerId = await newMember();
    const other = await newMember();
    await credit(customerId, 100);
    const rewardId = await newReward(60, 1);
    const hold = await redeem(customerId, { rewardId, hold: true });
    expect(hold.status).toBe(201);
    const redemptionId = hold.body.redemptionId as string;
    expect(await stock(rewardId)).toBe(0);
    expect((await redeem(customerId, { rewardId, hold: true })).body.code).toBe('insufficient-points');
    expect(await memberView(customerId)).toMatchObject({ balance: 100, held: 60, available: 40 });

    expect((await act(other, redemptionId, 'cancel')).status).toBe(404); // another member's redemption
    const unknown = await act(customerId, randomUUID(), 'cancel');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('redemption-not-found');
    expect((await redemptionView(other, redemptionId)).status).toBe(404);

    const cancelled = await act(customerId, redemptionId, 'cancel');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      redemptionId,
      status: 'cancelled',
      points: 60,
      movementId: null,
      releasedAt: expect.any(String),
    });
    expect(await stock(rewardId)).toBe(1);
    expect(await memberView(customerId)).toMatchObject({ balance: 100, held: 0, available: 100 });
    const again = await act(customerId, redemptionId, 'cancel');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'redemption-not-reserved', redemptionStatus: 'cancelled' });
    const confirmAfter = await act(customerId, redemptionId, 'confirm');
    expect(confirmAfter.status).toBe(409);
    expect(confirmAfter.body).toMatchObject({ code: 'redemption-not-reserved', redemptionStatus: 'cancelled' });
    expect(await stock(rewardId)).toBe(1);
    expect((await movements(customerId)).map((m) => m.kind)).toEqual(['adjust']);
    expect((await redemptionView(customerId, redemptionId)).body.status).toBe('cancelled');
  });

  it('releases lapsed holds once, even when the job runs twice at once and again, and gives the stock back once', async () => {
    const customerId = await newMember();
    await credit(customerId, 500);
    const rewardId = await newReward(100, 1);
    const rewardHold = (await redeem(customerId, { rewardId, hold: true }).then((r) => r.body)).redemptionId as string;
    const pointsHold = (await redeem(customerId, { points: 300, hold: true }).then((r) => r.body))
      .redemptionId as string;
    expect(await stock(rewardId)).toBe(0);
    expect(await memberView(customerId)).toMatchObject({ held: 400, available: 100 });
    await db.query(
      `UPDATE loyalty.redemptions SET expires_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`,
      [[rewardHold, pointsHold]],
    );
    // A lapsed hold counts for nothing at once, released or not.
    expect(await memberView(customerId)).toMatchObject({ held: 0, available: 500 });
    const runs = await Promise.all([expiryRun(), expiryRun()]);
    await expiryRun();
    expect(runs.every((r) => typeof r.holdsReleased === 'number')).toBe(true);
    const rows = await db.query(
      `SELECT id, status, released_at FROM loyalty.redemptions WHERE customer_id = $1 ORDER BY points`,
      [customerId],
    );
    expect(rows.rows.map((r) => r.status)).toEqual(['expired', 'expired']);
    expect(rows.rows.every((r) => r.released_at !== null)).toBe(true);
    expect(await stock(rewardId)).toBe(1);
    const late = await act(customerId, pointsHold, 'confirm');
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'redemption-not-reserved', redemptionStatus: 'expired' });
    expect((await movements(customerId)).map((m) => m.kind)).toEqual(['adjust']);
  });

  it('releases a lapsed hold lazily when the member next redeems, and refuses to confirm it', async () => {
    const customerId = await newMember();
    await credit(customerId, 100);
    const first = (await redeem(customerId, { points: 100, hold: true }).then((r) => r.body)).redemptionId as string;
    await db.query(`UPDATE loyalty.redemptions SET expires_at = now() - interval '1 second' WHERE id = $1`, [first]);
    const second = await redeem(customerId, { points: 100, hold: true });
    expect(second.status).toBe(201);
    expect((await db.query('SELECT status FROM loyalty.redemptions WHERE id = $1', [first])).rows[0].status).toBe(
      'expired',
    );
    const lapsed = await redeem(customerId, { points: 100, hold: true });
    expect(lapsed.status).toBe(409);

    await db.query(`UPDATE loyalty.redemptions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      second.body.redemptionId,
    ]);
    const expired = await act(customerId, second.body.redemptionId, 'confirm');
    expect(expired.status).toBe(409);
    expect(expired.body).toMatchObject({ code: 'hold-expired', redemptionStatus: 'expired' });
    expect((await redemptionView(customerId, second.body.redemptionId)).body.status).toBe('expired');
    expect(await memberView(customerId)).toMatchObject({ balance: 100, held: 0, available: 100 });
  });

  it('refuses to confirm a hold that expiry of points left uncovered, and releases it', async () => {
    const customerId = await newMember();
    await producer.send([
      purchaseRecord(purchaseRecorded(customerId, '100.00', { occurredAt: monthsAgo(12, 60 * 60 * 1000) })),
    ]); // the lot expires in an hour
    await eventually(async () => (await memberView(customerId)).balance === 100, 20_000, 'the purchase credited');
    const hold = await redeem(customerId, { points: 80, hold: true });
    expect(hold.status).toBe(201);
    // Points expiry as of two hours from now takes the lot; the hold (running in real time) stays.
    await expiryRun(new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString());
    expect(await memberView(customerId)).toMatchObject({ balance: 0, held: 80, available: 0 });
    const refused = await act(customerId, hold.body.redemptionId, 'confirm');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'hold-not-covered', redemptionStatus: 'cancelled' });
    expect((await redemptionView(customerId, hold.body.redemptionId)).body).toMatchObject({
      status: 'cancelled',
      movementId: null,
    });
    expect(await memberView(customerId)).toMatchObject({ balance: 0, held: 0, available: 0 });
    expect((await movements(customerId)).map((m) => m.kind)).toEqual(['earn', 'expire']);
  });

  it('keeps the books reconciled after a mix of holds, confirms, cancels, plain redemptions and expiries', async () => {
    const customerId = await newMember();
    await credit(customerId, 1000);
    const rewardId = await newReward(50, 5);
    const holds = await Promise.all([
      redeem(customerId, { points: 100, hold: true }),
      redeem(customerId, { rewardId, hold: true }),
      redeem(customerId, { points: 200, hold: true }),
      redeem(customerId, { rewardId, hold: true }),
      redeem(customerId, { points: 300 }),
    ]);
    expect(holds.map((h) => h.status)).toEqual([201, 201, 201, 201, 201]);
    const [a, b, c, d] = holds.map((h) => h.body.redemptionId as string);
    await Promise.all([act(customerId, a!, 'confirm'), act(customerId, b!, 'confirm'), act(customerId, c!, 'cancel')]);
    await db.query(`UPDATE loyalty.redemptions SET expires_at = now() - interval '1 second' WHERE id = $1`, [d]);
    await expiryRun();
    expect(await memberView(customerId)).toMatchObject({ balance: 1000 - 100 - 50 - 300, held: 0, available: 550 });
    expect(await stock(rewardId)).toBe(4);
    const report = await reconciliation();
    expect(report).toMatchObject({
      ok: true,
      entriesSum: 0,
      unbalancedMovements: 0,
      negativeLots: 0,
      mismatchedMembers: 0,
    });
    expect(report.liabilityTotal).toBe(report.balanceTotal);
  });
});
