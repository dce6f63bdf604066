import {
  buildModel,
  evaluate,
  hitAtK,
  ndcgAtK,
  popular,
  reasonText,
  recommend,
  type Basket,
} from './recommendations.model';

const SQRT6 = Math.sqrt(6);
/** 1 / log2(3): the gain of a hit in second place. */
const SECOND = 1 / Math.log2(3);

let seq = 0;
const basket = (customerId: string, day: number, ...skus: string[]): Basket => ({
  purchaseId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  customerId,
  occurredAt: new Date(Date.UTC(2026, 10, day, 10)),
  skus,
});

describe('recommendations.model', () => {
  // n(A) = 3, n(B) = 3, n(C) = 2, n(D) = 1; c(A,B) = 2, c(A,C) = 2, c(B,C) = 1, c(B,D) = 1; N = 4.
  const four = [
    ['A', 'B'],
    ['A', 'B', 'C'],
    ['A', 'C'],
    ['B', 'D', 'D'],
  ].map((skus) => ({ skus }));

  describe(buildModel.name, () => {
    it('scores each pair by cosine, c(i,j) / sqrt(n(i) n(j)), and keeps the lift beside it', () => {
      const sut = buildModel(four, { neighbours: 10, minCoCount: 1 });
      expect(sut.baskets).toBe(4);
      const a = sut.neighbours.get('A')!;
      expect(a.map((n) => n.neighbour)).toEqual(['C', 'B']);
      expect(a[0]).toMatchObject({ coCount: 2 });
      expect(a[0]!.cosine).toBeCloseTo(2 / SQRT6, 12); // 0.8165
      expect(a[1]!.cosine).toBeCloseTo(2 / 3, 12); // 2 / sqrt(3 · 3)
      expect(a[1]!.lift).toBeCloseTo((2 * 4) / 9, 12);
      const b = sut.neighbours.get('B')!;
      expect(b.map((n) => [n.neighbour, n.coCount])).toEqual([
        ['A', 2],
        ['D', 1],
        ['C', 1],
      ]);
      expect(b[1]!.cosine).toBeCloseTo(1 / Math.sqrt(3), 12); // 0.5774: D is rare, so one shared basket weighs
      expect(b[1]!.lift).toBeCloseTo(4 / 3, 12);
      expect(b[2]!.cosine).toBeCloseTo(1 / SQRT6, 12); // 0.4082
      expect(sut.neighbours.get('D')!.map((n) => n.neighbour)).toEqual(['B']);
    });

    it('counts a SKU once per basket, and orders popularity by baskets then SKU', () => {
      const sut = buildModel(four, { neighbours: 10, minCoCount: 1 });
      expect(sut.popularity).toEqual([
        { sku: 'A', baskets: 3 },
        { sku: 'B', baskets: 3 },
        { sku: 'C', baskets: 2 },
        { sku: 'D', baskets: 1 },
      ]);
    });

    it('keeps the top neighbours only and drops pairs below the support', () => {
      const top1 = buildModel(four, { neighbours: 1, minCoCount: 1 });
      expect([...top1.neighbours].map(([sku, list]) => [sku, list.map((n) => n.neighbour)])).toEqual([
        ['A', ['C']],
        ['B', ['A']],
        ['C', ['A']],
        ['D', ['B']],
      ]);
      const support2 = buildModel(four, { neighbours: 10, minCoCount: 2 });
      expect(support2.neighbours.get('B')!.map((n) => n.neighbour)).toEqual(['A']);
      expect(support2.neighbours.has('D')).toBe(false);
    });
  });

  describe(recommend.name, () => {
    const model = buildModel(four, { neighbours: 10, minCoCount: 1 });

    it('sums the cosines over what the customer bought and names the SKUs that drove each', () => {
      const sut = recommend(model, new Set(['B', 'C']), { k: 10, excludePurchased: true });
      expect(sut.map((r) => r.sku)).toEqual(['A', 'D']);
      expect(sut[0]!.score).toBeCloseTo(2 / SQRT6 + 2 / 3, 8); // 1.4832, rounded to 9 decimals
      expect(sut[0]!.because.map((b) => [b.sku, b.baskets])).toEqual([
        ['C', 2],
        ['B', 2],
      ]);
      expect(reasonText(sut[0]!.because)).toBe('bought with C in 2 baskets, B in 2 baskets');
      expect(sut[1]!.score).toBeCloseTo(1 / Math.sqrt(3), 8);
      expect(reasonText(sut[1]!.because)).toBe('bought with B in 1 basket');
    });

    it('keeps what they bought when asked, ties going by SKU, and stops at k', () => {
      const sut = recommend(model, new Set(['B', 'C']), { k: 10, excludePurchased: false });
      // B (from C) and C (from B) both score 1/sqrt(6).
      expect(sut.map((r) => r.sku)).toEqual(['A', 'D', 'B', 'C']);
      expect(recommend(model, new Set(['B', 'C']), { k: 1, excludePurchased: false }).map((r) => r.sku)).toEqual(['A']);
    });

    it('has nothing for someone whose SKUs co-occur with nothing', () => {
      expect(recommend(model, new Set(['Z']), { k: 5, excludePurchased: true })).toEqual([]);
    });
  });

  describe(popular.name, () => {
    it('lists the most bought SKUs, leaving out the customer’s own unless asked', () => {
      const model = buildModel(four, { neighbours: 10, minCoCount: 1 });
      expect(popular(model, new Set(['A']), { k: 2, excludePurchased: true }).map((p) => p.sku)).toEqual(['B', 'C']);
      expect(popular(model, new Set(['A']), { k: 2, excludePurchased: false }).map((p) => p.sku)).toEqual(['A', 'B']);
    });
  });

  describe('metrics', () => {
    it('hit rate@k: 1 when any of the first k is a target', () => {
      expect(hitAtK(['X', 'Y', 'T'], new Set(['T']), 2)).toBe(0);
      expect(hitAtK(['X', 'Y', 'T'], new Set(['T']), 3)).toBe(1);
    });

    it('NDCG@k: the gains 1/log2(r+1) of the hits over the best possible', () => {
      expect(ndcgAtK(['T', 'X'], new Set(['T']), 2)).toBe(1);
      expect(ndcgAtK(['X', 'T'], new Set(['T']), 2)).toBeCloseTo(SECOND, 12); // 0.6309
      // Two targets, one found first: 1 / (1 + 1/log2 3) = 0.6131
      expect(ndcgAtK(['T', 'X'], new Set(['T', 'U']), 2)).toBeCloseTo(1 / (1 + SECOND), 12);
      // Two targets, at most one place: the best possible is one hit first
      expect(ndcgAtK(['T'], new Set(['T', 'U']), 1)).toBe(1);
      expect(ndcgAtK(['X'], new Set(['T']), 1)).toBe(0);
    });
  });

  describe(evaluate.name, () => {
    /**
     * Held out (each customer's last basket): c1 {A,C}, c3 {B}, c4 {A,D}, c5 {B}, c6 {B,E}; c2 has one
     * basket. Training: {A,B} {A,B,C} {B,D} {C} {A} {D}: n(A)=3 n(B)=3 n(C)=2 n(D)=2, c(A,B)=2 and
     * c(A,C)=c(B,C)=c(B,D)=1, so cos(A,B)=2/3 and the other pairs 1/sqrt(6); popularity A, B, C, D.
     *
     * | customer | bought before | targets | model (k=2)           | popularity (k=2) |
     * | c1       | A, B          | C       | C .816, D .408 → 1     | C, D → 1         |
     * | c3       | B, D          | (none: B again) skipped                            |
     * | c4       | C             | A, D    | A, B → 1/(1+1/log2 3)  | A, B → same      |
     * | c5       | A             | B       | B, C → 1               | B, C → 1         |
     * | c6       | D             | B, E    | B → 1/(1+1/log2 3)     | A, B → (1/log2 3)/(1+1/log2 3) |
     */
    const baskets = [
      basket('c1', 1, 'A', 'B'),
      basket('c1', 2, 'A', 'C'),
      basket('c2', 1, 'A', 'B', 'C'),
      basket('c3', 1, 'B', 'D'),
      basket('c3', 5, 'B'),
      basket('c4', 1, 'C'),
      basket('c4', 3, 'A', 'D'),
      basket('c5', 1, 'A'),
      basket('c5', 2, 'B'),
      basket('c6', 1, 'D'),
      basket('c6', 2, 'B', 'E'),
    ];

    it('holds out each last basket and reports model and popularity side by side (k = 2)', () => {
      const sut = evaluate(baskets, { k: 2, neighbours: 10, minCoCount: 1 });
      expect(sut).toMatchObject({
        k: 2,
        customersEligible: 5,
        customersWithHoldout: 5,
        customersEvaluated: 4,
        customersSkipped: 1,
        trainingBaskets: 6,
      });
      expect(sut.model.hits).toBe(4);
      expect(sut.model.hitRate).toBe(1);
      expect(sut.model.ndcg).toBeCloseTo((2 + 2 / (1 + SECOND)) / 4, 12); // 0.8066
      expect(sut.baseline.hits).toBe(4);
      expect(sut.baseline.ndcg).toBeCloseTo(0.75, 12); // (1 + 1 + 1/(1+s) + s/(1+s)) / 4
    });

    it('at k = 1 popularity misses c6 (A first) where the model finds B', () => {
      const sut = evaluate(baskets, { k: 1, neighbours: 10, minCoCount: 1 });
      expect(sut.model).toEqual({ hits: 4, hitRate: 1, ndcg: 1 });
      expect(sut.baseline).toEqual({ hits: 3, hitRate: 0.75, ndcg: 0.75 });
    });

    it('takes the higher purchase id as the last of two baskets at the same instant', () => {
      const first = { ...basket('c7', 1, 'A'), purchaseId: '00000000-0000-4000-8000-00000000000a' };
      const second = { ...basket('c7', 1, 'B'), purchaseId: '00000000-0000-4000-8000-00000000000b' };
      const sut = evaluate([second, first, basket('c8', 1, 'A', 'B')], { k: 1, neighbours: 10, minCoCount: 1 });
      // Held out {B}, history {A}: cos(A,B) = 1/sqrt(2·1) makes B the model's first.
      expect(sut).toMatchObject({ customersEvaluated: 1, model: { hits: 1 }, trainingBaskets: 2 });
    });

    it('holds out only a sample of customers when asked, the first by md5 of their id', () => {
      // md5: c3 0a3d…, c5 25ea…, c6 5a34…, c1 a9f7…, c4 cb75… (c2 has one basket): c3 and c5 are held out.
      const sut = evaluate(baskets, { k: 2, neighbours: 10, minCoCount: 1, maxCustomers: 2 });
      expect(sut).toMatchObject({
        customersEligible: 5,
        customersWithHoldout: 2,
        customersSkipped: 1,
        trainingBaskets: 9,
      });
      // c3 only repeats B. c5 bought A and is to find B; the other last baskets now train:
      // n(A) = n(B) = 4, n(C) = 3, c(A,B) = 2, c(A,C) = 2, so cos(A,C) = 2/sqrt(12) beats cos(A,B) = 2/4
      // and B comes second (1/log2 3), while popularity (A, B, C… without A) has B first.
      expect(sut.customersEvaluated).toBe(1);
      expect(sut.model.hits).toBe(1);
      expect(sut.model.ndcg).toBeCloseTo(SECOND, 12);
      expect(sut.baseline).toEqual({ hits: 1, hitRate: 1, ndcg: 1 });
    });

    it('evaluates nobody when no one bought twice', () => {
      const sut = evaluate([basket('c9', 1, 'A')], { k: 10, neighbours: 10, minCoCount: 1 });
      expect(sut).toMatchObject({ customersWithHoldout: 0, customersEvaluated: 0, model: { hitRate: 0, ndcg: 0 } });
    });
  });
});
