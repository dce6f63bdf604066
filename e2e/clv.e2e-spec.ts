import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminClient, bearer, eventually, stackInfo } from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Lifetime value conformance: the CDNOW sample (2,357 customers, 6,919 purchases, 1997-01 to 1998-06,
 * as the PyPI package lifetimes ships it) imported through the gateway like a department would
 * (customers, then purchases), fitted with calibration up to 1997-09-30, reproduces the published
 * parameters within 1 %: BG/NBD r 0.2426, α 4.4135 (weeks), a 0.7929, b 2.4258 (Fader, Hardie & Lee
 * 2005) and Gamma-Gamma p 6.25, q 3.74, γ 15.44 (Fader & Hardie 2013). The fit sees every customer
 * analytics knows: a second run on the same stack imports the sample again under new customers, which
 * doubles every weight and leaves the maximum-likelihood parameters where they were.
 */
describe('CLV through the gateway (CDNOW conformance)', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let admin: string;
  let analyst: string;
  let manager: string;

  const rows = readFileSync(join(__dirname, 'fixtures/cdnow-sample.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [, id, date, , amount] = line.trim().split(/\s+/);
      return { id: id!, date: `${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6, 8)}`, amount: amount! };
    });
  const within = (actual: number, expected: number) =>
    expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.01);

  beforeAll(async () => {
    db = await adminClient();
    admin = await bearer('admin');
    analyst = await bearer('analyst');
    manager = await bearer('manager');
  });
  afterAll(async () => {
    await db.end();
  });

  /** POST a fit; when it answers 202, poll the fit until it has finished. */
  const fit = async (body: Record<string, string>) => {
    const started = await gateway().post('/api/v1/analytics/models/clv/fits').set('authorization', analyst).send(body);
    expect([201, 202]).toContain(started.status);
    if (started.status === 201) return started.body;
    expect(started.headers['location']).toBe(`/api/v1/analytics/models/clv/fits/${started.body.id}`);
    return eventually(
      async () => {
        const polled = await gateway().get(started.headers['location']).set('authorization', analyst).expect(200);
        return polled.body.status === 'running' ? undefined : polled.body;
      },
      120_000,
      'the CLV fit to finish',
    );
  };

  it('imports CDNOW through the API, fits it and matches the published parameters within 1 %', async () => {
    const run = randomUUID().slice(0, 8);
    const email = (id: string) => `cdnow-${run}-${id}@example.com`;
    const ids = [...new Set(rows.map((r) => r.id))];
    expect(ids).toHaveLength(2357);
    expect(rows).toHaveLength(6919);

    const customers = await gateway()
      .post('/api/v1/imports')
      .set('authorization', admin)
      .set('content-type', 'text/csv')
      .send(['name,email', ...ids.map((id) => `CDNOW ${id},${email(id)}`)].join('\n'))
      .expect(201);
    expect(customers.body).toMatchObject({ status: 'completed', rowsImported: 2357, rowsFailed: 0 });

    const purchases = await gateway()
      .post('/api/v1/imports?type=purchases')
      .set('authorization', admin)
      .set('content-type', 'text/csv')
      .send(
        [
          'externalOrderId,email,currency,channel,occurredAt,sku,name,category,quantity,unitPrice',
          ...rows.map((r, i) => `CD-${run}-${i},${email(r.id)},CNY,web,${r.date}T00:00:00Z,CD,CD,music,1,${r.amount}`),
        ].join('\n'),
      )
      .expect(201);
    expect(purchases.body).toMatchObject({ status: 'completed', rowsImported: 6919, rowsFailed: 0 });

    // analytics has them all (through customer-profile's purchase.recorded events)
    const customerIds: string[] = (
      await db.query(`SELECT id FROM customer_profile.customers WHERE email = ANY($1)`, [ids.map(email)])
    ).rows.map((r: { id: string }) => r.id);
    expect(customerIds).toHaveLength(2357);
    await eventually(
      async () =>
        (
          await db.query(`SELECT count(*)::int AS n FROM analytics.purchases WHERE customer_id = ANY($1)`, [
            customerIds,
          ])
        ).rows[0].n === 6919,
      // analytics rescores each customer on each purchase: about 30 purchases/s on a loaded 2-core machine
      900_000,
      'analytics to have the 6,919 purchases',
    );

    // a manager reads analytics (analytics:read) but may not fit: analytics:write is the analysts' and admins'
    await gateway()
      .post('/api/v1/analytics/models/clv/fits')
      .set('authorization', manager)
      .send({ calibrationEnd: '1997-09-30T00:00:00Z' })
      .expect(403);

    const result = await fit({ calibrationEnd: '1997-09-30T00:00:00Z', holdoutEnd: '1998-06-30T00:00:00Z' });
    expect(result.status).toBe('succeeded');
    within(result.bgnbd.r, 0.2426);
    within(result.bgnbd.alpha, 4.4135);
    within(result.bgnbd.a, 0.7929);
    within(result.bgnbd.b, 2.4258);
    within(result.gammaGamma.p, 6.25);
    within(result.gammaGamma.q, 3.74);
    within(result.gammaGamma.gamma, 15.44);
    expect(result.data.timeUnit).toBe('week');
    expect(result.data.calibrationEnd).toBe('1997-09-30T00:00:00.000Z');
    // every run of this spec on the stack adds the sample once more: counts are multiples of it
    const copies = result.data.customers / 2357;
    expect(Number.isInteger(copies)).toBe(true);
    expect(result.data.repeatCustomers).toBe(946 * copies);
    // log-likelihood per copy: −9582.4 (the paper's)
    expect(result.bgnbd.logLikelihood / copies).toBeCloseTo(-9582.4, 0);
    // the holdout (weeks 40–78): 1,882 repeat transactions happened, the model expects 1,653
    expect(result.holdout.weeks).toBeCloseTo(39, 10);
    expect(result.holdout.actual).toBe(1882 * copies);
    expect(result.holdout.predicted / copies).toBeCloseTo(1653.4, 0);
    expect(result.holdout.mae).toBeGreaterThan(0);
    expect(result.holdout.rmse).toBeGreaterThanOrEqual(result.holdout.mae);

    // the fit is in the audit trail under its id
    const audit = await gateway()
      .get('/api/v1/admin/audit')
      .query({ resourceType: 'clv-fit', limit: 50 })
      .set('authorization', admin)
      .expect(200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'clv.fit', resourceId: result.id })]),
    );

    // the current model is this fit
    const current = await gateway().get('/api/v1/analytics/models/clv').set('authorization', analyst).expect(200);
    expect(current.body.bgnbd).toEqual(result.bgnbd);

    // and a customer's view carries their lifetime value under it
    const first = (await db.query(`SELECT id FROM customer_profile.customers WHERE email = $1`, [email('0001')]))
      .rows[0].id as string;
    const view = await eventually(
      async () => {
        const r = await gateway().get(`/api/v1/analytics/customers/${first}`).set('authorization', analyst);
        return r.status === 200 && r.body.clv?.fitId ? r.body : undefined;
      },
      30_000,
      'the customer view with a clv section',
    );
    expect(view.clv).toMatchObject({ horizonWeeks: 52, inputs: { frequency: 3 } });
    expect(view.clv.pAlive).toBeGreaterThanOrEqual(0);
    expect(view.clv.pAlive).toBeLessThanOrEqual(1);
    expect(Number(view.clv.clv)).toBeGreaterThanOrEqual(0);
  }, 1_200_000);

  it('answers 422 with a stable code for a holdout before the calibration end or not over yet, and 400 for a malformed date', async () => {
    const bad = await gateway()
      .post('/api/v1/analytics/models/clv/fits')
      .set('authorization', analyst)
      .send({ calibrationEnd: '1997-09-30T00:00:00Z', holdoutEnd: '1997-01-01T00:00:00Z' })
      .expect(422);
    expect(bad.body).toMatchObject({ code: 'clv-holdout-not-after-calibration' });
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const notOver = await gateway()
      .post('/api/v1/analytics/models/clv/fits')
      .set('authorization', analyst)
      .send({ calibrationEnd: '1997-09-30T00:00:00Z', holdoutEnd: new Date(Date.now() + 86_400_000).toISOString() })
      .expect(422);
    expect(notOver.body).toMatchObject({ code: 'clv-holdout-not-over', errors: [{ field: 'holdoutEnd' }] });
    for (const body of [
      { calibrationEnd: '30/09/1997' },
      { holdoutEnd: '1998-06-31T00:00:00Z' },
      { calibrationEnd: 19970930 },
    ]) {
      const malformed = await gateway()
        .post('/api/v1/analytics/models/clv/fits')
        .set('authorization', analyst)
        .send(body)
        .expect(400);
      expect(JSON.stringify(malformed.body)).toContain(Object.keys(body)[0]!);
    }
  });

  it('answers 422 clv-not-enough-data when the calibration period has too few customers', async () => {
    const response = await gateway()
      .post('/api/v1/analytics/models/clv/fits')
      .set('authorization', analyst)
      .send({ calibrationEnd: '1970-01-02T00:00:00Z' })
      .expect(422);
    expect(response.body).toMatchObject({ code: 'clv-not-enough-data' });
    expect(response.body.fitId).toEqual(expect.any(String));
  });
});
