import { randomUUID } from 'node:crypto';
import {
  adminClient,
  bearer,
  cnMobile,
  customerRequest,
  organisationRequest,
  stackInfo,
  worldPhones,
} from '@rapport/testing';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * Phones of every country through the gateway, as a department's client sends them: any number
 * libphonenumber considers valid is accepted in its common written forms and stored as E.164 (the
 * stack runs with the default region CN); an invalid one is a 400 problem naming the field and the value.
 */
describe('phones of any country', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  // The gateway's rate limit is per client (20/s, burst 60): stay below it.
  const pace = () => new Promise((resolve) => setTimeout(resolve, 1000 / 12));
  let db: Client;
  let agent1: string;

  beforeAll(async () => {
    db = await adminClient();
    agent1 = await bearer('agent1');
  });
  afterAll(async () => {
    await db.end();
  });

  const stored = async (id: string) =>
    (await db.query('SELECT phone, phones FROM customer_profile.customers WHERE id = $1', [id])).rows[0] as {
      phone: string | null;
      phones: string[];
    };

  it('creates a customer for each of thirteen countries, the phone stored as E.164', async () => {
    const phones = worldPhones();
    expect(new Set(phones.map((p) => p.country)).size).toBeGreaterThanOrEqual(10);
    for (const { country, typed, e164 } of phones) {
      await pace();
      const response = await gateway()
        .post('/api/v1/customers')
        .set('authorization', agent1)
        .send(customerRequest({ phone: typed }));
      expect({ country, typed, status: response.status, phone: response.body.phone }).toEqual({
        country,
        typed,
        status: 201,
        phone: e164,
      });
      expect(await stored(response.body.id)).toEqual({ phone: e164, phones: [e164] });
    }
  });

  it('takes foreign numbers in phones, in contact persons and in an update', async () => {
    const [italy, germany, us, uk, france] = worldPhones();
    const china = cnMobile();
    const person = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent1)
      .send(customerRequest({ phone: italy!.typed, phones: [germany!.typed, china.typed] }))
      .expect(201);
    expect(person.body).toMatchObject({ phone: italy!.e164, phones: [italy!.e164, germany!.e164, china.e164] });

    await pace();
    const organisation = await gateway()
      .post('/api/v1/customers')
      .set('authorization', agent1)
      .send(organisationRequest({ contacts: [{ name: 'Jane Doe', title: 'Buyer', phone: us!.typed }] }))
      .expect(201);
    expect(organisation.body.contacts).toEqual([expect.objectContaining({ name: 'Jane Doe', phone: us!.e164 })]);

    await pace();
    const updated = await gateway()
      .patch(`/api/v1/customers/${person.body.id}`)
      .set('authorization', agent1)
      .set('if-match', `"${person.body.version}"`)
      .send({ phone: uk!.typed, phones: [france!.typed] })
      .expect(200);
    expect(updated.body).toMatchObject({ phone: uk!.e164, phones: [uk!.e164, france!.e164] });
    expect(await stored(person.body.id)).toEqual({ phone: uk!.e164, phones: [uk!.e164, france!.e164] });
  });

  it.each([
    ['person', customerRequest, { phone: '+39 12' }, 'phone', 'phone is not a valid phone number (+39 12)'],
    // national, but not in the default region CN
    ['person', customerRequest, { phone: '333 123 4567' }, 'phone', 'phone is not a valid phone number (333 123 4567)'],
    [
      'person',
      customerRequest,
      { phones: ['+49 30 123456', '+1 415 555 267'] },
      'phones',
      'phones[1] is not a valid phone number (+1 415 555 267)',
    ],
    // class-validator names a nested property by its own name in the message; the field is the full path
    [
      'organisation',
      organisationRequest,
      { contacts: [{ name: 'Jane Doe', phone: '+44 20 7946 09' }] },
      'contacts[0].phone',
      'phone is not a valid phone number (+44 20 7946 09)',
    ],
  ])(
    'refuses a %s with %j: a 400 problem naming %s, and nothing written',
    async (_kind, factory, override, field, message) => {
      await pace();
      const name = `Invalid Phone ${randomUUID().slice(0, 8)}`;
      const response = await gateway()
        .post('/api/v1/customers')
        .set('authorization', agent1)
        .send(factory({ ...override, name }))
        .expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.errors).toEqual([{ field, message }]);
      expect(response.body.detail).toContain(`${field}: ${message}`);
      expect(
        (await db.query('SELECT count(*)::int AS n FROM customer_profile.customers WHERE name = $1', [name])).rows[0].n,
      ).toBe(0);
    },
  );

  it('imports foreign numbers as E.164 and reports an invalid one by line and field', async () => {
    const [italy, japan, brazil] = worldPhones();
    const u = randomUUID().slice(0, 8);
    const csv = [
      'name,email,phone',
      `Maria Rossi,maria-${u}@example.com,${italy!.typed}`,
      `Sato Hanako,sato-${u}@example.com,${japan!.typed}`,
      `"Ana Souza",ana-${u}@example.com,"${brazil!.typed}"`,
      `Bad Phone,bad-${u}@example.com,+39 12`,
    ].join('\n');
    await pace();
    const response = await gateway()
      .post('/api/v1/imports')
      .set('authorization', agent1)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(201);
    expect(response.body).toMatchObject({ status: 'completed', rowsImported: 3, rowsFailed: 1 });
    expect(response.body.errors).toEqual([
      expect.objectContaining({ line: 5, field: 'phone', message: 'phone is not a valid phone number (+39 12)' }),
    ]);
    const rows = (
      await db.query('SELECT email, phone FROM customer_profile.customers WHERE email LIKE $1 ORDER BY email', [
        `%-${u}@example.com`,
      ])
    ).rows;
    expect(rows).toEqual([
      { email: `ana-${u}@example.com`, phone: brazil!.e164 },
      { email: `maria-${u}@example.com`, phone: italy!.e164 },
      { email: `sato-${u}@example.com`, phone: japan!.e164 },
    ]);
  });
});
