import fc from 'fast-check';
import {
  consumeOldestFirst,
  entriesFor,
  expiredAllocations,
  reversalPoints,
  spendOrder,
  type Allocation,
  type Entry,
  type MovementKind,
  type OpenLot,
} from './ledger-model';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);
const lot = (id: string, remaining: number, expiresDay: number, sourceId: string | null = null): OpenLot => ({
  id,
  remaining,
  earnedAt: day(expiresDay - 365),
  expiresAt: day(expiresDay),
  sourceId,
});

describe('ledger model', () => {
  describe(consumeOldestFirst.name, () => {
    it('spends the lot that expires first, then the next', () => {
      const sut = consumeOldestFirst([lot('b', 50, 20), lot('a', 30, 10), lot('c', 10, 30)], 60);
      expect(sut).toEqual({
        allocations: [
          { lotId: 'a', points: 30 },
          { lotId: 'b', points: 30 },
        ],
        taken: 60,
      });
    });

    it('takes what there is when the lots run short', () => {
      expect(consumeOldestFirst([lot('a', 30, 10)], 50)).toEqual({
        allocations: [{ lotId: 'a', points: 30 }],
        taken: 30,
      });
    });

    it('takes from the preferred source first (a refund takes back its own purchase first)', () => {
      const sut = consumeOldestFirst([lot('a', 30, 10), lot('p', 40, 20, 'purchase:p')], 50, 'purchase:p');
      expect(sut.allocations).toEqual([
        { lotId: 'p', points: 40 },
        { lotId: 'a', points: 10 },
      ]);
    });
  });

  describe(reversalPoints.name, () => {
    it('reverses in proportion to the refunded base amount, rounding down, and cumulatively exact', () => {
      // 100 points for 300.00; refunds of 100.00 three times take back 33, 33 and 34.
      expect(reversalPoints(100, 0, 1_000_000n, 3_000_000n)).toBe(33);
      expect(reversalPoints(100, 33, 2_000_000n, 3_000_000n)).toBe(33);
      expect(reversalPoints(100, 66, 3_000_000n, 3_000_000n)).toBe(34);
    });

    it('never reverses more than was earned, even for over-refunds', () => {
      expect(reversalPoints(100, 100, 5_000_000n, 3_000_000n)).toBe(0);
      expect(reversalPoints(100, 0, 9_000_000n, 3_000_000n)).toBe(100);
    });
  });

  describe(expiredAllocations.name, () => {
    it('expires whole remainders of lots due by the instant, oldest first', () => {
      expect(expiredAllocations([lot('b', 5, 20), lot('a', 7, 10), lot('c', 9, 40)], day(20))).toEqual([
        { lotId: 'a', points: 7 },
        { lotId: 'b', points: 5 },
      ]);
    });
  });

  describe(entriesFor.name, () => {
    it.each<[MovementKind, number]>([
      ['earn', 100],
      ['redeem', -40],
      ['expire', -10],
      ['reverse', -5],
      ['adjust', 7],
    ])('%s of %d is two entries that sum to zero', (kind, delta) => {
      const [liability, counter] = entriesFor(kind, delta);
      expect(liability).toEqual({ account: 'member_liability', amount: 0 - delta });
      expect(liability.amount + counter.amount).toBe(0);
    });
  });

  /**
   * An in-memory book driven by the same rules the service applies under the member lock. Random
   * sequences of earns, refunds, redemptions, adjustments and expiries must always reconcile.
   */
  class Book {
    lots: Array<OpenLot & { points: number }> = [];
    purchases: Array<{ id: string; earned: number; reversed: number; totalBase: bigint; refundedBase: bigint }> = [];
    movements: Array<{ kind: MovementKind; delta: number; entries: Entry[]; shortfall: number }> = [];
    balance = 0;
    private nextId = 0;

    private post(kind: MovementKind, delta: number, allocations: Allocation[] = [], shortfall = 0): void {
      for (const a of allocations) this.lots.find((l) => l.id === a.lotId)!.remaining -= a.points;
      this.movements.push({ kind, delta, entries: entriesFor(kind, delta), shortfall });
      this.balance += delta;
    }

    earn(points: number, onDay: number, totalBase: bigint): void {
      const id = `p${this.nextId++}`;
      this.purchases.push({ id, earned: points, reversed: 0, totalBase, refundedBase: 0n });
      if (points === 0) return;
      this.post('earn', points);
      this.lots.push({
        id: `lot-${id}`,
        points,
        remaining: points,
        earnedAt: day(onDay),
        expiresAt: day(onDay + 365),
        sourceId: `purchase:${id}`,
      });
    }

    refund(index: number, amountBase: bigint): void {
      const purchase = this.purchases[index % Math.max(1, this.purchases.length)];
      if (!purchase) return;
      const due = reversalPoints(
        purchase.earned,
        purchase.reversed,
        purchase.refundedBase + amountBase,
        purchase.totalBase,
      );
      purchase.refundedBase += amountBase;
      purchase.reversed += due;
      if (due === 0) return;
      const plan = consumeOldestFirst(this.lots, due, `purchase:${purchase.id}`);
      this.post('reverse', -plan.taken, plan.allocations, due - plan.taken);
    }

    redeem(points: number): boolean {
      if (this.balance < points) return false;
      const plan = consumeOldestFirst(this.lots, points);
      expect(plan.taken).toBe(points);
      this.post('redeem', -points, plan.allocations);
      return true;
    }

    adjust(points: number, onDay: number): void {
      if (points > 0) {
        this.post('adjust', points);
        this.lots.push({
          id: `adj${this.nextId++}`,
          points,
          remaining: points,
          earnedAt: day(onDay),
          expiresAt: day(onDay + 365),
          sourceId: null,
        });
      } else if (this.balance >= -points) {
        const plan = consumeOldestFirst(this.lots, -points);
        this.post('adjust', points, plan.allocations);
      }
    }

    expire(onDay: number): number {
      const allocations = expiredAllocations(this.lots, day(onDay));
      const points = allocations.reduce((s, a) => s + a.points, 0);
      if (points > 0) this.post('expire', -points, allocations);
      return points;
    }

    assertReconciles(): void {
      for (const m of this.movements) {
        expect(m.entries).toHaveLength(2);
        expect(m.entries[0]!.amount + m.entries[1]!.amount).toBe(0);
        expect(m.entries.find((e) => e.account === 'member_liability')!.amount).toBe(0 - m.delta);
      }
      const liability =
        0 -
        this.movements
          .flatMap((m) => m.entries)
          .filter((e) => e.account === 'member_liability')
          .reduce((s, e) => s + e.amount, 0);
      const movements = this.movements.reduce((s, m) => s + m.delta, 0);
      const lots = this.lots.reduce((s, l) => s + l.remaining, 0);
      expect(this.balance).toBeGreaterThanOrEqual(0);
      expect(liability).toBe(this.balance);
      expect(movements).toBe(this.balance);
      expect(lots).toBe(this.balance);
      for (const l of this.lots) {
        expect(l.remaining).toBeGreaterThanOrEqual(0);
        expect(l.remaining).toBeLessThanOrEqual(l.points);
      }
    }
  }

  const operation = fc.oneof(
    fc.record({
      op: fc.constant('earn' as const),
      points: fc.integer({ min: 0, max: 5000 }),
      day: fc.integer({ min: 0, max: 800 }),
      base: fc.bigInt({ min: 1n, max: 100_000_000n }),
    }),
    fc.record({
      op: fc.constant('refund' as const),
      index: fc.nat(50),
      amount: fc.bigInt({ min: 1n, max: 100_000_000n }),
    }),
    fc.record({ op: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 4000 }) }),
    fc.record({
      op: fc.constant('adjust' as const),
      points: fc.integer({ min: -3000, max: 3000 }).filter((n) => n !== 0),
      day: fc.integer({ min: 0, max: 800 }),
    }),
    fc.record({ op: fc.constant('expire' as const), day: fc.integer({ min: 0, max: 1500 }) }),
  );

  it('reconciles after any sequence of earns, refunds, redemptions, adjustments and expiries', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (ops) => {
        const sut = new Book();
        for (const o of ops) {
          if (o.op === 'earn') sut.earn(o.points, o.day, o.base);
          else if (o.op === 'refund') sut.refund(o.index, o.amount);
          else if (o.op === 'redeem') sut.redeem(o.points);
          else if (o.op === 'adjust') sut.adjust(o.points, o.day);
          else sut.expire(o.day);
          sut.assertReconciles();
        }
        // Expiry is idempotent: a second run at the same instant finds nothing.
        sut.expire(1500);
        expect(sut.expire(1500)).toBe(0);
        sut.assertReconciles();
        // A shortfall is only ever what the balance could not cover.
        for (const p of sut.purchases) expect(p.reversed).toBeLessThanOrEqual(p.earned);
      }),
      { numRuns: 300 },
    );
  });

  it('spends in expiry order, so the oldest lot is always drained first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ remaining: fc.integer({ min: 1, max: 100 }), day: fc.integer({ min: 0, max: 100 }) }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.integer({ min: 1, max: 500 }),
        (specs, points) => {
          const lots = specs.map((s, i) => lot(`l${i}`, s.remaining, s.day));
          const sut = consumeOldestFirst(lots, points);
          const order = spendOrder(lots).map((l) => l.id);
          const touched = sut.allocations.map((a) => a.lotId);
          expect(touched).toEqual(order.slice(0, touched.length));
          // Every lot but the last touched is drained completely.
          sut.allocations
            .slice(0, -1)
            .forEach((a) => expect(a.points).toBe(lots.find((l) => l.id === a.lotId)!.remaining));
        },
      ),
    );
  });
});
