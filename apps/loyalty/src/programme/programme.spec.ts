import {
  DEMO_PROGRAMME,
  pointsForPurchase,
  ProgrammeSchema,
  qualifyingTier,
  tierAfterPurchase,
  tierAtReview,
  type PurchaseForEarn,
} from './programme';
import { parseDecimal } from '../ledger/money';

const purchase = (over: Partial<PurchaseForEarn> = {}): PurchaseForEarn => ({
  total: '100.00',
  totalBase: '100.00',
  lines: [{ category: 'books', lineTotal: '100.00' }],
  occurredAt: '2026-06-01T00:00:00Z',
  ...over,
});

describe('programme', () => {
  const sut = DEMO_PROGRAMME;

  it('seeds a valid demo programme', () => {
    expect(ProgrammeSchema.parse(sut)).toEqual(sut);
  });

  it('refuses tiers that are not listed lowest first or share a code', () => {
    expect(ProgrammeSchema.safeParse({ ...sut, tiers: [...sut.tiers].reverse() }).success).toBe(false);
    expect(
      ProgrammeSchema.safeParse({ ...sut, tiers: [sut.tiers[0], { ...sut.tiers[1]!, code: 'silver' }] }).success,
    ).toBe(false);
  });

  describe(pointsForPurchase.name, () => {
    it('earns one point per whole unit of base currency, rounding down', () => {
      expect(
        pointsForPurchase(sut, purchase({ total: '99.99', totalBase: '99.99', lines: [{ lineTotal: '99.99' }] }), null),
      ).toBe(99);
    });

    it('uses the base-currency total, not the purchase currency', () => {
      expect(
        pointsForPurchase(
          sut,
          purchase({ total: '100.00', totalBase: '720.50', lines: [{ lineTotal: '100.00' }] }),
          null,
        ),
      ).toBe(720);
    });

    it('applies the category bonus to the line share only', () => {
      const mixed = purchase({
        total: '300.00',
        totalBase: '300.00',
        lines: [{ category: 'electronics', lineTotal: '100.00' }, { lineTotal: '200.00' }],
      });
      expect(pointsForPurchase(sut, mixed, null)).toBe(400);
    });

    it('multiplies by the tier held before the purchase', () => {
      expect(pointsForPurchase(sut, purchase(), 'gold')).toBe(125);
    });

    it('applies a running campaign and ignores one that has ended', () => {
      const campaigns = [
        { name: 'June double', from: '2026-06-01T00:00:00Z', until: '2026-07-01T00:00:00Z', multiplierPct: 200 },
        { name: 'May', from: '2026-05-01T00:00:00Z', until: '2026-06-01T00:00:00Z', multiplierPct: 300 },
      ];
      expect(pointsForPurchase({ ...sut, campaigns }, purchase(), null)).toBe(200);
    });

    it('caps points per order', () => {
      expect(
        pointsForPurchase(
          sut,
          purchase({ total: '999999.00', totalBase: '999999.00', lines: [{ lineTotal: '999999.00' }] }),
          null,
        ),
      ).toBe(50_000);
    });

    it('earns nothing for a zero or negative total', () => {
      expect(pointsForPurchase(sut, purchase({ total: '0.00', totalBase: '0.00' }), null)).toBe(0);
    });
  });

  describe(qualifyingTier.name, () => {
    it('qualifies on spend or on points, whichever reaches higher', () => {
      expect(qualifyingTier(sut, { spend: parseDecimal('999.99'), points: 0 })).toBeNull();
      expect(qualifyingTier(sut, { spend: parseDecimal('1000.00'), points: 0 })).toBe('silver');
      expect(qualifyingTier(sut, { spend: parseDecimal('10.00'), points: 5000 })).toBe('gold');
      expect(qualifyingTier(sut, { spend: parseDecimal('20000'), points: 0 })).toBe('platinum');
    });
  });

  describe('tier moves', () => {
    const at = new Date('2026-06-01T00:00:00Z');

    it('upgrades at once on the purchase that crosses, for a new period', () => {
      expect(tierAfterPurchase(sut, 'silver', 'gold', at)).toEqual({
        change: true,
        to: 'gold',
        periodEndsAt: new Date('2027-06-01T00:00:00Z'),
        reason: 'qualified by purchase',
      });
    });

    it('never downgrades on a purchase', () => {
      expect(tierAfterPurchase(sut, 'gold', 'silver', at)).toEqual({ change: false });
    });

    it('waits for the period end before moving down', () => {
      const periodEnd = new Date('2026-12-01T00:00:00Z');
      expect(tierAtReview(sut, 'gold', periodEnd, null, at)).toEqual({ change: false });
      expect(tierAtReview(sut, 'gold', periodEnd, 'silver', periodEnd)).toMatchObject({
        change: true,
        to: 'silver',
        reason: 'qualification period ended',
      });
      expect(tierAtReview(sut, 'gold', periodEnd, null, periodEnd)).toMatchObject({
        change: true,
        to: null,
        periodEndsAt: null,
      });
    });

    it('renews a tier still earned at the period end', () => {
      const periodEnd = new Date('2026-06-01T00:00:00Z');
      expect(tierAtReview(sut, 'gold', periodEnd, 'gold', at)).toMatchObject({
        change: true,
        to: 'gold',
        reason: 'requalified',
        periodEndsAt: new Date('2027-06-01T00:00:00Z'),
      });
    });
  });
});

describe('seeded programme', () => {
  it('matches the demo programme the migration seeds', async () => {
    const { CreatePointsLedger1764000500000 } = await import('../database/migrations/1764000500000-CreatePointsLedger');
    const queries: Array<[string, unknown[] | undefined]> = [];
    await new CreatePointsLedger1764000500000().up({
      query: async (sql: string, params?: unknown[]) => void queries.push([sql, params]),
    } as never);
    const seed = queries.find(([sql]) => sql.includes('INSERT INTO loyalty.programmes'))!;
    // Fields added later (referral) take their defaults when the stored programme predates them.
    expect(ProgrammeSchema.parse(JSON.parse(seed[1]![0] as string))).toEqual(DEMO_PROGRAMME);
  });
});
