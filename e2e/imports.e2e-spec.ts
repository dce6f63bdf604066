import { randomInt, randomUUID } from 'node:crypto';
import { CustomerCreatedV1 } from '@rapport/contracts';
import { adminClient, bearer, eventually, stackInfo, userToken, textBody } from '@rapport/testing';
import { parse } from 'csv-parse/sync';
import type { Client } from 'pg';
import request from 'supertest';

/** Bulk import (CSV and JSON lines) and the streaming CSV export, through the gateway. */
describe('imports and exports through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  let db: Client;
  let agent1: string;
  let agent1Sub: string;

  const mobile = () => `+86 138 ${String(randomInt(0, 1e8)).padStart(8, '0')}`;
  beforeAll(async () => {
    db = await adminClient();
    agent1 = await bearer('agent1');
    agent1Sub = JSON.parse(Buffer.from((await userToken('agent1')).split('.')[1]!, 'base64url').toString('utf8')).sub;
  });
  afterAll(async () => {
    await db.end();
  });

  it('imports a CSV row by row: valid rows in, every bad or duplicate row reported with its line', async () => {
    const u = randomUUID().slice(0, 8);
    const existing = randomUUID();
    await db.query(
      `INSERT INTO customer_profile.customers (id, kind, name, email, emails) VALUES ($1, 'person', '老客户', $2, ARRAY[$2])`,
      [existing, `old-${u}@example.com`],
    );
    const phone = mobile();
    const csv = [
      'name,email,phone,kind,tags',
      `王小明,Wang.XM+${u}@Example.com,${phone},person,vip;tea`,
      `李娜有限公司,li-${u}@example.com,,organisation,`,
      `,missing-${u}@example.com,,,`,
      `张三,not-an-email,,,`,
      `赵六,zhao-${u}@example.com,12345,,`,
      `x "bad" y,q-${u}@example.com,,,`,
      `钱七,WANG.XM+${u}@example.com,,,`,
      `孙八,old-${u}@example.com,,,`,
      `周九,zhou-${u}@example.com,,,,extra`,
    ].join('\n');
    const response = await gateway()
      .post('/api/v1/imports')
      .set('authorization', agent1)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(201);
    expect(response.body).toMatchObject({
      status: 'completed',
      format: 'csv',
      rowsTotal: 9,
      rowsDone: 9,
      rowsImported: 2,
      rowsFailed: 7,
    });
    const errors = response.body.errors.map((e: { line: number; field: string | null; message: string }) => [
      e.line,
      e.field,
      e.message,
    ]);
    expect(errors).toEqual([
      [4, 'name', 'name is required'],
      [5, 'email', 'email must be an email address'],
      [6, 'phone', expect.stringContaining('not a valid phone number')],
      [7, null, expect.stringContaining('malformed CSV')],
      [8, 'email', 'duplicate of line 2'],
      [9, 'email', `duplicate of customer ${existing}`],
      [10, null, expect.stringContaining('malformed CSV')],
    ]);

    const rows = (
      await db.query(
        `SELECT id, name, kind, email, phone, emails, phones, tags, source_channel, owner_id FROM customer_profile.customers WHERE email = ANY($1) ORDER BY name`,
        [[`wang.xm+${u}@example.com`, `li-${u}@example.com`]],
      )
    ).rows;
    expect(rows).toEqual([
      expect.objectContaining({
        name: '李娜有限公司',
        kind: 'organisation',
        tags: [],
        owner_id: agent1Sub,
        source_channel: 'import',
      }),
      expect.objectContaining({
        name: '王小明',
        email: `wang.xm+${u}@example.com`,
        phone: phone.replace(/ /g, ''),
        phones: [phone.replace(/ /g, '')],
        tags: ['vip', 'tea'],
      }),
    ]);
    // customer.created for each imported customer, in the outbox with the rows, valid against the contract.
    const events = (
      await db.query(
        `SELECT event_type, headers, payload FROM customer_profile.outbox WHERE message_key = ANY($1) ORDER BY seq`,
        [rows.map((r) => r.id)],
      )
    ).rows;
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e.event_type).toBe(CustomerCreatedV1.type);
      expect(CustomerCreatedV1.schema.safeParse(JSON.parse(e.payload)).success).toBe(true);
      expect(e.headers).toMatchObject({
        ce_type: CustomerCreatedV1.type,
        ce_specversion: '1.0',
        'content-type': 'application/json',
      });
    }
    // Visible to customer-profile's other readers: the imported customer is found by id.
    await gateway().get(`/api/v1/customers/${rows[1].id}`).set('authorization', agent1).expect(200);

    const job = await gateway().get(`/api/v1/imports/${response.body.id}`).set('authorization', agent1).expect(200);
    expect(job.body).toMatchObject({ id: response.body.id, rowsImported: 2, rowsFailed: 7 });
    expect(job.body.errors).toHaveLength(7);
    await gateway()
      .get(`/api/v1/imports/${response.body.id}`)
      .set('authorization', await bearer('agent2'))
      .expect(404);
    await gateway()
      .get(`/api/v1/imports/${response.body.id}`)
      .set('authorization', await bearer('admin'))
      .expect(200);

    // Importing the same file again doubles nothing: every row with an email or phone is now a duplicate.
    const again = await gateway()
      .post('/api/v1/imports')
      .set('authorization', agent1)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(201);
    expect(again.body).toMatchObject({ rowsImported: 0, rowsFailed: 9 });
  });

  it('imports JSON lines, reporting lines that are not JSON objects or carry unknown fields', async () => {
    const u = randomUUID().slice(0, 8);
    const body = [
      JSON.stringify({ name: '陈一', email: `chen-${u}@example.com`, tags: 'a;b' }),
      '{"name": "broken',
      '[1,2]',
      JSON.stringify({ name: '林二', vip: true }),
      '',
      JSON.stringify({ name: '黄三', sourceChannel: 'store' }),
    ].join('\n');
    const response = await gateway()
      .post('/api/v1/imports')
      .set('authorization', agent1)
      .set('content-type', 'application/x-ndjson')
      .send(body)
      .expect(201);
    expect(response.body).toMatchObject({
      format: 'ndjson',
      status: 'completed',
      rowsTotal: 5,
      rowsImported: 2,
      rowsFailed: 3,
    });
    expect(response.body.errors.map((e: { line: number; field: string | null }) => [e.line, e.field])).toEqual([
      [2, null],
      [3, null],
      [4, 'vip'],
    ]);
  });

  it('shows progress while a large upload streams in', async () => {
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const upload = new ReadableStream<Uint8Array>({ start: (controller) => void (push = controller) });
    const encoder = new TextEncoder();
    const send = (from: number, to: number) => {
      let chunk = '';
      for (let i = from; i < to; i++) chunk += `进度测试 ${i}\n`;
      push.enqueue(encoder.encode(chunk));
    };
    const answer = fetch(`${stackInfo().gatewayUrl}/api/v1/imports`, {
      method: 'POST',
      headers: { authorization: agent1, 'content-type': 'text/csv' },
      body: upload,
      duplex: 'half',
    } as RequestInit);
    push.enqueue(encoder.encode('name\n'));
    send(0, 2500);
    const running = await eventually(
      async () => {
        const list = await gateway().get('/api/v1/imports').set('authorization', agent1).expect(200);
        const job = list.body.items.find(
          (j: { status: string; rowsDone: number }) => j.status === 'running' && j.rowsDone >= 2000,
        );
        return job as { id: string; rowsDone: number } | undefined;
      },
      20_000,
      'the running import to show progress',
    );
    expect(running.rowsDone).toBeLessThan(3000);
    send(2500, 3000);
    push.close();
    const done = await (await answer).json();
    expect(done).toMatchObject({
      id: running.id,
      status: 'completed',
      rowsTotal: 3000,
      rowsDone: 3000,
      rowsImported: 3000,
      rowsFailed: 0,
    });
  });

  it('counts the rows of a finished import in customer-profile’s metrics, by outcome', async () => {
    // rapport_import_rows_total{type,outcome}: rate() of it is the import throughput on the dashboards.
    const rows = async () => {
      const text = await (await fetch(`${stackInfo().serviceUrls['customer-profile']}/metrics`)).text();
      const count = (outcome: string) =>
        Number(
          text
            .split('\n')
            .find(
              (l) =>
                l.startsWith('rapport_import_rows_total{') &&
                l.includes('type="customers"') &&
                l.includes(`outcome="${outcome}"`),
            )
            ?.split(' ')
            .pop() ?? 0,
        );
      return { imported: count('imported'), failed: count('failed') };
    };
    const before = await rows();
    const u = randomUUID().slice(0, 8);
    const csv = ['name,email', `甲,jia-${u}@example.com`, `乙,yi-${u}@example.com`, `丙,not-an-email`].join('\n');
    await gateway()
      .post('/api/v1/imports')
      .set('authorization', agent1)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(201);
    const after = await rows();
    expect({ imported: after.imported - before.imported, failed: after.failed - before.failed }).toEqual({
      imported: 2,
      failed: 1,
    });
  });

  it('answers 422 for a body that holds no import: no rows, no JSON object, no CSV record', async () => {
    const send = (type: string, body: string) =>
      gateway().post('/api/v1/imports').set('authorization', agent1).set('content-type', type).send(body).expect(422);
    expect((await send('text/csv', 'name,email\n')).body.errors).toEqual([{ field: 'body', message: 'has no rows' }]);
    expect((await send('application/x-ndjson', '[1,2]\n"x"')).body.errors).toEqual([
      { field: 'body', message: 'no line is a JSON object' },
    ]);
    // A JSON document sent as CSV: its quotes make no line a CSV record.
    expect((await send('text/csv', '[true, {"a": [1]}, "", 1.5]')).body.errors).toEqual([
      { field: 'body', message: 'no line is a CSV record' },
    ]);
  });

  it('refuses other media types, callers without a token or without customers:write', async () => {
    const before = (await db.query(`SELECT count(*)::int AS n FROM customer_profile.imports`)).rows[0].n;
    await gateway().post('/api/v1/imports').set('authorization', agent1).send({ name: 'x' }).expect(415);
    await gateway()
      .post('/api/v1/imports')
      .set('authorization', agent1)
      .set('content-type', 'text/plain')
      .send('name\nx')
      .expect(415);
    await gateway().post('/api/v1/imports').set('content-type', 'text/csv').send('name\nx').expect(401);
    await gateway()
      .post('/api/v1/imports')
      .set('authorization', await bearer('analyst'))
      .set('content-type', 'text/csv')
      .send('name\nx')
      .expect(403);
    await gateway().get('/api/v1/imports/not-a-uuid').set('authorization', agent1).expect(400);
    expect((await db.query(`SELECT count(*)::int AS n FROM customer_profile.imports`)).rows[0].n).toBe(before);
  });

  it('exports visible customers as streamed CSV with Chinese names, masking PII without pii:read', async () => {
    const u = randomUUID().slice(0, 8);
    const csv = `name,email\n导出测试 ${u},export-${u}@example.com\n`;
    await gateway()
      .post('/api/v1/imports')
      .set('authorization', agent1)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(201);
    const read = async (who: 'agent1' | 'agent2' | 'analyst') => {
      const response = await gateway()
        .get('/api/v1/customers/export.csv')
        .set('authorization', await bearer(who))
        .buffer(true)
        .parse(textBody)
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      const text = response.body as string;
      expect(text.startsWith('\uFEFF')).toBe(true);
      return parse(text, { columns: true, bom: true }) as Record<string, string>[];
    };
    const mine = (await read('agent1')).find((r) => r.name === `导出测试 ${u}`);
    expect(mine).toMatchObject({
      email: `export-${u}@example.com`,
      ownerId: agent1Sub,
      sourceChannel: 'import',
      lifecycleStage: 'prospect',
    });
    const masked = (await read('analyst')).find((r) => r.name === `导出测试 ${u}`);
    expect(masked!.email).not.toBe(`export-${u}@example.com`);
    expect(masked!.email).toContain('***');
    expect((await read('agent2')).find((r) => r.name === `导出测试 ${u}`)).toBeUndefined();
    await gateway().get('/api/v1/customers/export.csv').expect(401);
  });
});
