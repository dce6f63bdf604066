import { randomUUID } from 'node:crypto';
import { Topics, WechatFollowerUnmatchedV1 } from '@rapport/contracts';
import {
  closeServiceTestClients,
  collectRecords,
  eventually,
  newOpenid,
  openServiceTestClients,
  publishCustomerEvents,
  safeModeDelivery,
  signedQuery,
  stackInfo,
  startServiceInProcess,
  TEST_CALLERS,
  testBus,
  wechatEventXml,
  wechatImageXml,
  wechatSign,
  wechatTextXml,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import { identifierDigest } from '@rapport/platform-auth';
import { AppModule } from '../app.module';
import { customerCreatedWithOpenid, customerErased } from '../../test/factories/customer-events';

/** How customer-profile's events name an openid (never the openid itself). */
const digestOf = (openid: string) => identifierDigest(stackInfo().internalAuthSecret, 'wechat-openid', openid);

/** What the stack's stand-in for WeChat's API (deploy/stack/src/mail.ts) received for an openid. */
async function sentTo(openid: string): Promise<Array<Record<string, unknown>>> {
  const received = (await (await fetch(`${stackInfo().wechatApiUrl}/wechat`)).json()) as Array<Record<string, unknown>>;
  return received.filter((m) => m['touser'] === openid);
}

/**
 * Medium tier: the WeChat channel against the stack's PostgreSQL and Kafka, with WeChat played by the
 * test (signatures and safe-mode encryption written from WeChat's documentation in @rapport/testing)
 * and by the stack's stand-in for its API (replies).
 */
describe('the WeChat channel in interaction (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('interaction', AppModule);
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  const callback = '/internal/v1/channels/wechat/callback';
  const deliver = (xml: string, query: Record<string, string> = signedQuery()) =>
    sut.http().post(callback).query(query).send({ xml });

  /** A customer interaction knows, with a WeChat openid (from customer.created). */
  const follower = async (): Promise<{ customerId: string; openid: string }> => {
    const customerId = randomUUID();
    const openid = newOpenid();
    await publishCustomerEvents(clients.producer, customerCreatedWithOpenid(customerId, openid));
    await eventually(
      async () =>
        (
          await clients.db.query(
            'SELECT 1 FROM interaction.customer_refs WHERE customer_id = $1 AND wechat_openid_digest = $2',
            [customerId, digestOf(openid)],
          )
        ).rowCount === 1,
      20_000,
      'interaction to know the customer and the openid',
    );
    return { customerId, openid };
  };

  const timeline = async (customerId: string) =>
    (
      await sut
        .http()
        .get(`/internal/v1/customers/${customerId}/interactions`)
        .set(await sut.as({ ...TEST_CALLERS.manager, scopes: ['pii:read'] }))
        .expect(200)
    ).body.items as Array<{ channel: string; direction: string; summary: string; outcome: string; agent: string }>;

  describe('the server URL check', () => {
    it('echoes echostr when signed as WeChat signs it', async () => {
      const response = await sut
        .http()
        .get(callback)
        .query({ ...signedQuery(), echostr: '5837397749368743690' })
        .expect(200);
      expect(response.body).toEqual({ echostr: '5837397749368743690' });
    });

    it('refuses a signature made with another token (403 problem+json naming the field)', async () => {
      const response = await sut
        .http()
        .get(callback)
        .query({ ...signedQuery('not-the-token'), echostr: '1' })
        .expect(403);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: 'wechat-bad-signature', errors: [{ field: 'signature' }] });
    });

    it('refuses a query without timestamp or with a signature that is not SHA-1 hex (400)', async () => {
      await sut.http().get(callback).query({ signature: 'x', nonce: '1', echostr: '1' }).expect(400);
    });
  });

  describe('messages from WeChat', () => {
    it("logs a known customer's text once in their timeline, however often WeChat retries it", async () => {
      const { customerId, openid } = await follower();
      const xml = wechatTextXml(openid, '请问礼盒什么时候发货？');
      const first = await deliver(xml).expect(200);
      expect(first.body).toEqual({ reply: 'success' });
      await deliver(xml).expect(200); // WeChat's retry of the same MsgId
      const items = await timeline(customerId);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        channel: 'wechat',
        direction: 'inbound',
        summary: '请问礼盒什么时候发货？',
        outcome: 'wechat-text',
        agent: 'wechat',
      });
    });

    it('logs an image, a subscribe and an unsubscribe', async () => {
      const { customerId, openid } = await follower();
      const at = Date.now() - 10_000;
      await deliver(wechatEventXml(openid, 'subscribe', new Date(at))).expect(200);
      await deliver(wechatImageXml(openid, 'http://mmbiz.qpic.cn/tea.jpg', new Date(at + 1_000))).expect(200);
      await deliver(wechatEventXml(openid, 'unsubscribe', new Date(at + 2_000))).expect(200);
      expect((await timeline(customerId)).map((i) => i.outcome)).toEqual([
        'wechat-unsubscribe',
        'wechat-image',
        'wechat-subscribe',
      ]);
    });

    it('decrypts and logs a safe-mode message, and refuses one with a wrong msg_signature or for another AppID', async () => {
      const { customerId, openid } = await follower();
      const delivery = safeModeDelivery(wechatTextXml(openid, '安全模式的消息'));
      await deliver(delivery.body, delivery.query).expect(200);
      expect((await timeline(customerId)).map((i) => i.summary)).toEqual(['安全模式的消息']);

      const forged = safeModeDelivery(wechatTextXml(openid, 'forged'));
      const badSignature = await deliver(forged.body, { ...forged.query, msg_signature: wechatSign('x') }).expect(403);
      expect(badSignature.body).toMatchObject({ code: 'wechat-bad-signature', errors: [{ field: 'msg_signature' }] });
      const other = safeModeDelivery(wechatTextXml(openid, 'for someone else'), { appId: 'wxanotheraccount' });
      const otherApp = await deliver(other.body, other.query).expect(400);
      expect(otherApp.body).toMatchObject({ code: 'wechat-undecryptable-message', errors: [{ field: 'Encrypt' }] });
      expect(await timeline(customerId)).toHaveLength(1);
    });

    it.each([
      ['malformed XML', '<xml><FromUserName>x</xml>', 'body'],
      [
        'a message without a sender',
        '<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>',
        'FromUserName',
      ],
      ['a text without content', wechatTextXml('oX', 'x').replace(/<Content>.*<\/Content>/, ''), 'Content'],
    ])('answers %s with a 400 problem naming the field', async (_case, xml, field) => {
      const response = await deliver(xml).expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: 'wechat-malformed-message', errors: [{ field }] });
    });

    it('answers a body without xml with a 400 problem', async () => {
      await sut.http().post(callback).query(signedQuery()).send({}).expect(400);
    });
  });

  describe('an unknown sender', () => {
    it('asks customer-profile for a lead once, and logs the held messages when the lead arrives', async () => {
      const openid = newOpenid();
      const bus = testBus();
      const topic = await collectRecords(bus, Topics.interactions.name, (r) => r.key === openid);
      try {
        await deliver(wechatEventXml(openid, 'subscribe', new Date(Date.now() - 5_000))).expect(200);
        await deliver(wechatTextXml(openid, '你好，我想了解会员')).expect(200);
        await eventually(async () => topic.records.length >= 1, 20_000, 'the lead request on the interactions topic');
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // time for a second request to show up
        expect(topic.records.map((r) => r.headers['ce_type'])).toEqual([WechatFollowerUnmatchedV1.type]);
        expect(JSON.parse(topic.records[0]!.value!)).toMatchObject({ openid });

        // customer-profile (the stack's) answers with the lead's customer.created, carrying the openid
        const customerId = await eventually(
          async () =>
            (
              await clients.db.query<{ customer_id: string }>(
                'SELECT customer_id FROM interaction.customer_refs WHERE wechat_openid_digest = $1',
                [digestOf(openid)],
              )
            ).rows[0]?.customer_id,
          30_000,
          "the lead's customer.created in interaction",
        );
        await eventually(async () => (await timeline(customerId)).length === 2, 20_000, 'the held messages logged');
        expect((await timeline(customerId)).map((i) => i.summary)).toEqual([
          '你好，我想了解会员',
          'Followed the Official Account',
        ]);
        const held = await clients.db.query(
          'SELECT 1 FROM interaction.wechat_messages WHERE openid = $1 AND interaction_id IS NULL',
          [openid],
        );
        expect(held.rowCount).toBe(0);

        // erasing the lead takes its messages and the lead request of its openid too
        await publishCustomerEvents(clients.producer, customerErased(customerId));
        await eventually(
          async () =>
            (
              await clients.db.query(
                `SELECT (SELECT count(*) FROM interaction.wechat_messages WHERE openid = $1)
                      + (SELECT count(*) FROM interaction.wechat_leads WHERE openid = $1) AS n`,
                [openid],
              )
            ).rows[0].n === '0',
          20_000,
          "the erasure of the lead's WeChat data",
        );
      } finally {
        await topic.stop();
        await bus.close();
      }
    });
  });

  describe('replies within the 48-hour window', () => {
    const reply = async (customerId: string, text: string) =>
      sut
        .http()
        .post(`/internal/v1/customers/${customerId}/wechat/messages`)
        .set(await sut.as(TEST_CALLERS.agent1))
        .send({ text });

    it('is refused when the customer last wrote more than 48 hours ago (422), and sent within it', async () => {
      const { customerId, openid } = await follower();
      await deliver(wechatTextXml(openid, 'old question', new Date(Date.now() - 49 * 3_600_000))).expect(200);
      const closed = await reply(customerId, 'Sorry for the wait');
      expect(closed.status).toBe(422);
      expect(closed.body).toMatchObject({ code: 'wechat-window-closed' });
      expect(await sentTo(openid)).toEqual([]);

      await deliver(wechatTextXml(openid, 'new question', new Date(Date.now() - 47 * 3_600_000))).expect(200);
      const sent = await reply(customerId, '您好，礼盒明天发货。');
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({
        channel: 'wechat',
        direction: 'outbound',
        agent: 'agent1',
        outcome: 'wechat-text',
      });
      expect(await sentTo(openid)).toEqual([
        expect.objectContaining({ touser: openid, msgtype: 'text', text: { content: '您好，礼盒明天发货。' } }),
      ]);
      expect((await timeline(customerId))[0]).toMatchObject({ direction: 'outbound', summary: '您好，礼盒明天发货。' });
    });

    it('is refused for a customer who never wrote or only left (422 window closed) and one without an openid (422 not following)', async () => {
      const { customerId } = await follower();
      const never = await reply(customerId, 'hello');
      expect([never.status, never.body.code]).toEqual([422, 'wechat-window-closed']);
      // leaving the Official Account opens no window
      const { customerId: leaver, openid } = await follower();
      await deliver(wechatEventXml(openid, 'unsubscribe')).expect(200);
      const left = await reply(leaver, 'hello');
      expect([left.status, left.body.code]).toEqual([422, 'wechat-window-closed']);
      const unknown = await reply(randomUUID(), 'hello');
      expect([unknown.status, unknown.body.code]).toEqual([422, 'wechat-not-following']);
    });

    it('needs interactions:write (403) and a text (400)', async () => {
      const { customerId } = await follower();
      await sut
        .http()
        .post(`/internal/v1/customers/${customerId}/wechat/messages`)
        .set(await sut.as(TEST_CALLERS.analyst))
        .send({ text: 'hi' })
        .expect(403);
      const bad = await reply(customerId, '');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('text');
    });
  });
});
