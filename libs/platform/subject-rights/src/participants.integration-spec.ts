import { randomUUID } from 'node:crypto';
import { schemaOf, SUBJECT_RIGHTS_RETAINED } from '@rapport/contracts';
import { adminClient, customerIdColumns, servicesHoldingCustomerDataOutsideSubjectRights } from '@rapport/testing';
import type { Client } from 'pg';

/**
 * Against the migrated schemas of the test stack: every service that stores customer ids takes part
 * in subject rights (or is listed as pending). A new service, or a new table in a service, that keeps
 * customer data outside the contract fails here or in its own conformance suite.
 */
describe('subject-rights participants', () => {
  let db: Client;

  beforeAll(async () => {
    db = await adminClient();
  });

  afterAll(() => db.end());

  it('leaves no service that stores customer ids outside subject rights', async () => {
    expect(await servicesHoldingCustomerDataOutsideSubjectRights(db)).toEqual([]);
  });

  it('keeps outside the contract only columns that exist and are declared with a reason', async () => {
    for (const { service, column, reason } of SUBJECT_RIGHTS_RETAINED) {
      expect({ column, reason: reason.length > 0 }).toEqual({ column, reason: true });
      expect(await customerIdColumns(db, schemaOf(service))).toContain(column);
    }
  });

  it('finds customer id columns by name in a schema, and nothing in one without them', async () => {
    const schema = `sr_probe_${randomUUID().slice(0, 8)}`;
    await db.query(`CREATE SCHEMA ${schema}`);
    try {
      await db.query(
        `CREATE TABLE ${schema}.notes (id uuid PRIMARY KEY, customer_id uuid, referred_customer_id uuid, body text)`,
      );
      await db.query(`CREATE TABLE ${schema}.rates (currency char(3), customerish text)`);
      expect(await customerIdColumns(db, schema)).toEqual(['notes.customer_id', 'notes.referred_customer_id']);
      await db.query(`DROP TABLE ${schema}.notes`);
      expect(await customerIdColumns(db, schema)).toEqual([]);
    } finally {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});
