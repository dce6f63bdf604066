// The read benchmark's bound: a bare Fastify + pg endpoint doing the same three reads as customer-profile's
// GET /internal/v1/customers/{id} (the customer, its identifiers, its contact persons), with the same SQL,
// a pool of the same size and a JSON answer of the same shape. No auth, no masking, no audit, no Nest:
// what one HTTP hop and the database allow on this machine. Started as its own process by bench/read/run.ts
// (as a service is), listening on PORT and connecting to DATABASE_URL.
import Fastify from 'fastify';
import { Pool } from 'pg';

const COLUMNS = `c.id, c.kind, c.name, c.gender, to_char(c.birthday, 'YYYY-MM-DD') AS birthday, c.email, c.phone, c.emails, c.phones,
  c.addresses, c.tags, c.interests, c.preferences, c.notes, c.custom_fields, c.source_channel, c.owner_id, c.team,
  c.value_tier, c.last_contact_at, c.created_at, c.updated_at, c.version, c.created_at::text AS created_key`;

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/customers/:id', async (request, reply) => {
    const rows = (
      await pool.query(
        `SELECT ${COLUMNS} FROM customer_profile.customers c
          WHERE c.id = (SELECT coalesce(t.merged_into, t.id) FROM customer_profile.customers t WHERE t.id = $1)
            AND c.merged_into IS NULL AND c.erased_at IS NULL AND true`,
        [request.params.id],
      )
    ).rows as { id: string }[];
    const customer = rows[0];
    if (!customer) return reply.code(404).send({ status: 404 });
    const identifiers = (
      await pool.query(
        `SELECT customer_id, type, value FROM customer_profile.customer_identifiers WHERE customer_id = ANY($1::uuid[]) ORDER BY type, value`,
        [[customer.id]],
      )
    ).rows;
    const contacts = (
      await pool.query(
        `SELECT id, customer_id, name, title, phone, email FROM customer_profile.customer_contacts WHERE customer_id = ANY($1::uuid[]) ORDER BY position`,
        [[customer.id]],
      )
    ).rows;
    return { ...customer, identifiers, contacts };
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.send?.('ready');
  process.on('SIGTERM', () => {
    void app.close().then(() => pool.end().then(() => process.exit(0)));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
