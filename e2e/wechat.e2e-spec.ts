import {
  adminClient,
  bearer,
  customerRequest,
  eventually,
  newOpenid,
  safeModeDelivery,
  signedQuery,
  stackInfo,
  wechatEventXml,
  wechatTextXml,
} from '@rapport/testing';
import type { Client } from 'pg';
import { identifierDigest } from '@rapport/platform-auth';

/** How customer-profile's events name an openid (never the openid itself). */
const digestOf = (openid: string) => identifierDigest(stackInfo().internalAuthSecret, 'wechat-openid', openid);
import request from 'supertest';

/**
 * The WeChat Official Account channel through the gateway, as WeChat's servers call it (no bearer; the
 * signature with the account's token is the authority) and as the customer service reads the timeline.
 * WeChat is played by the test with the local stack's demo account (INTERACTION_WECHAT_* defaults).
 */
describe('the WeChat Official Account through the gateway', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  const callback = '/api/v1/channels/wechat/callback';
  let db: Client;
  let manager: string;

  beforeAll(async () => {
    db = await adminClient();
    manager = await bearer('manager');
  });
  afterAll(async () => {
    await db.end();
  });

  const post = (body: string, query: Record<string, string> = signedQuery()) =>
    gateway().post(callback).query(query).set('content-type', 'text/xml').send(body);

  const timeline = async (customerId: string, as = manager) =>
    (await gateway().get(`/api/v1/customers/${customerId}/interactions`).set('authorization', as).expect(200)).body
      .items as Array<{ channel: string; direction: string; outcome: string }>;

  it('echoes echostr as text/plain to a callback signed as WeChat signs it, and refuses a wrong signature', async () => {
    const ok = await gateway()
      .get(callback)
      .query({ ...signedQuery(), echostr: '7091563581271853491' })
      .expect(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.text).toBe('7091563581271853491');

    const forged = await gateway()
      .get(callback)
      .query({ ...signedQuery('guessed-token'), echostr: '1' })
      .expect(403);
    expect(forged.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(forged.body.code).toBe('wechat-bad-signature');
  });

  it("puts a known customer's WeChat message in their timeline, and sends the reply through WeChat's API", async () => {
    const openid = newOpenid();
    const customerId = (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', manager)
        .send(customerRequest({ identifiers: [{ type: 'wechat_openid', value: openid }] }))
        .expect(201)
    ).body.id as string;
    await eventually(
      async () =>
        ((
          await db.query(
            'SELECT 1 FROM interaction.customer_refs WHERE customer_id = $1 AND wechat_openid_digest = $2',
            [customerId, digestOf(openid)],
          )
        ).rowCount ?? 0) === 1,
      20_000,
      'interaction to know the customer by the openid',
    );

    const answer = await post(wechatTextXml(openid, '你好，我的订单到哪了？')).expect(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    expect(answer.text).toBe('success');

    const items = await timeline(customerId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ channel: 'wechat', direction: 'inbound', outcome: 'wechat-text' });

    // the customer service answers within 48 hours: through WeChat's API (the stack's stand-in records it)
    const reply = await gateway()
      .post(`/api/v1/customers/${customerId}/wechat/messages`)
      .set('authorization', manager)
      .send({ text: '您好，礼盒明天发货。' })
      .expect(201);
    expect(reply.body).toMatchObject({ channel: 'wechat', direction: 'outbound' });
    const sent = (await (await fetch(`${stackInfo().wechatApiUrl}/wechat`)).json()) as Array<Record<string, unknown>>;
    expect(sent.filter((m) => m['touser'] === openid)).toEqual([
      expect.objectContaining({ msgtype: 'text', text: { content: '您好，礼盒明天发货。' } }),
    ]);
    expect(await timeline(customerId)).toHaveLength(2);
    // ...and customer-profile's last contact follows it
    await eventually(
      async () =>
        (await gateway().get(`/api/v1/customers/${customerId}`).set('authorization', manager)).body.lastContactAt !=
        null,
      20_000,
      'the last contact in customer-profile',
    );
  });

  it('makes an unknown follower a lead in the public pool (safe mode), and logs their message on it', async () => {
    const openid = newOpenid();
    const subscribe = safeModeDelivery(wechatEventXml(openid, 'subscribe'));
    expect((await post(subscribe.body, subscribe.query).expect(200)).text).toBe('success');

    const customerId = await eventually(
      async () =>
        (
          await db.query<{ customer_id: string }>(
            `SELECT customer_id FROM customer_profile.customer_identifiers WHERE type = 'wechat_openid' AND value = $1`,
            [openid],
          )
        ).rows[0]?.customer_id,
      30_000,
      'customer-profile to create the lead',
    );
    // the public pool: an agent sees it (a manager sees the team's customers)
    const agent = await bearer('agent1');
    const lead = await gateway().get(`/api/v1/customers/${customerId}`).set('authorization', agent).expect(200);
    expect(lead.body).toMatchObject({ ownerId: null, sourceChannel: 'wechat' });
    expect(lead.body.identifiers).toHaveLength(1);
    expect(lead.body.identifiers[0].type).toBe('wechat_openid');

    await eventually(
      async () => (await timeline(customerId!, agent)).length === 1,
      20_000,
      'the held subscribe logged',
    );
    // a second message from the same follower goes to the same lead: no second customer
    await post(wechatTextXml(openid, '会员怎么办理？')).expect(200);
    await eventually(
      async () => (await timeline(customerId!, agent)).length === 2,
      20_000,
      'the second message logged',
    );
    const leads = await db.query(
      `SELECT 1 FROM customer_profile.customer_identifiers WHERE type = 'wechat_openid' AND value = $1`,
      [openid],
    );
    expect(leads.rowCount).toBe(1);
  });

  it('refuses malformed XML, a body that is not XML and a reply outside the 48-hour window, all as problem+json', async () => {
    const malformed = await post('<xml><FromUserName>x</xml>').expect(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    await gateway().post(callback).query(signedQuery()).send({ json: true }).expect(415);

    const customerId = (
      await gateway()
        .post('/api/v1/customers')
        .query({ force: 'true' })
        .set('authorization', manager)
        .send(customerRequest({ identifiers: [{ type: 'wechat_openid', value: newOpenid() }] }))
        .expect(201)
    ).body.id as string;
    await eventually(
      async () =>
        ((await db.query('SELECT 1 FROM interaction.customer_refs WHERE customer_id = $1', [customerId])).rowCount ??
          0) === 1,
      20_000,
      'interaction to know the customer',
    );
    const closed = await gateway()
      .post(`/api/v1/customers/${customerId}/wechat/messages`)
      .set('authorization', manager)
      .send({ text: '您好' })
      .expect(422);
    expect(closed.body.code).toBe('wechat-window-closed');
    await gateway().post(`/api/v1/customers/${customerId}/wechat/messages`).send({ text: '您好' }).expect(401);
  });
});
