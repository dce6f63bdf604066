import { randomUUID } from 'node:crypto';
import {
  ErasureAcknowledgedV1,
  fromBinaryMode,
  Topics,
  type AcknowledgingService,
  type ErasureAcknowledgement,
} from '@rapport/contracts';
import { IDENTITY_HEADER, signIdentity } from '@rapport/platform-runtime';
import {
  closeServiceTestClients,
  collectRecords,
  describeSubjectRightsConformance,
  eventually,
  handledBy,
  newOpenid,
  openServiceTestClients,
  publishCustomerEvents,
  stackInfo,
  signedQuery,
  uuidColumnsHolding,
  wechatTextXml,
  type ServiceTestClients,
} from '@rapport/testing';
import {
  consentChanged,
  customerCreated,
  customerCreatedWithOpenid,
  customerErased,
  customerMerged,
} from '../../test/factories/customer-events';
import { followUpRequest, interactionRequest } from '../../test/factories/interactions';

/**
 * The interaction service of the test stack following customer-profile's merges and erasures from the
 * real broker: a merged customer's rows (reference, interactions, follow-ups) belong to the survivor, an
 * erased customer leaves nothing.
 */
describe('interaction follows customer merges and erasures', () => {
  const handled = (db: ServiceTestClients['db'], event: Parameters<typeof handledBy>[2]) =>
    handledBy(db, 'interaction', event);
  const placesHolding = (db: ServiceTestClients['db'], customerId: string) =>
    uuidColumnsHolding(db, 'interaction', customerId);
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
  });
  afterAll(async () => {
    await closeServiceTestClients(clients);
  });

  /** The stack's interaction, called as the gateway calls it (a signed agent of team north). */
  const callService = async (path: string, body: unknown) => {
    const identity = await signIdentity(
      {
        sub: 'agent1',
        roles: ['agent'],
        scopes: ['interactions:read', 'interactions:write', 'surveys:write', 'campaigns:write', 'pii:read'],
        team: 'north',
      },
      stackInfo().internalAuthSecret,
    );
    const response = await fetch(new URL(path, stackInfo().serviceUrls['interaction']), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity, connection: 'close' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  /** A customer interaction knows, with a logged call and a follow-up (their texts are the customer's data). */
  const customerWithContacts = async (kind: 'person' | 'organisation' = 'organisation') => {
    const customerId = randomUUID();
    await publishCustomerEvents(clients.producer, customerCreated(customerId, kind));
    await known(customerId);
    const interaction = await callService(
      `/internal/v1/customers/${customerId}/interactions`,
      interactionRequest({ occurredAt: '2026-11-02T10:00:00+08:00' }),
    );
    const followUp = await callService(
      '/internal/v1/follow-ups',
      followUpRequest(customerId, '2027-01-06T10:00:00+08:00'),
    );
    return { customerId, interactionId: interaction.id, followUpId: followUp.id };
  };

  /** A WeChat customer with a message on the Official Account, as WeChat delivers it (the stack's demo account). */
  const wechatCustomer = async () => {
    const customerId = randomUUID();
    const openid = newOpenid();
    await publishCustomerEvents(clients.producer, customerCreatedWithOpenid(customerId, openid));
    await known(customerId);
    const query = new URLSearchParams(signedQuery());
    const response = await fetch(
      new URL(`/internal/v1/channels/wechat/callback?${query}`, stackInfo().serviceUrls['interaction']),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ xml: wechatTextXml(openid, 'Where is my tea?', new Date('2026-11-03T02:00:00Z')) }),
        signal: AbortSignal.timeout(15_000),
      },
    );
    if (response.status !== 200) throw new Error(`WeChat callback: ${response.status} ${await response.text()}`);
    return { customerId, openid };
  };

  describeSubjectRightsConformance('interaction', {
    seed: async () => {
      const { customerId: wechatCustomerId, openid } = await wechatCustomer();
      const { customerId, interactionId, followUpId } = await customerWithContacts();
      // the WeChat customer turns out to be this one: its messages (and openid) move with the merge
      const merge = customerMerged(wechatCustomerId, customerId);
      await publishCustomerEvents(clients.producer, merge);
      await handled(clients.db, merge);
      const cadence = await callService('/internal/v1/cadences', {
        name: `conformance-${randomUUID().slice(0, 8)}`,
        steps: [{ dayOffset: 1, channel: 'email', note: 'Send the catalogue' }],
      });
      const enrolment = await callService(`/internal/v1/cadences/${cadence.id}/enrolments`, { customerId });
      // invited to a survey and answered it, with a score and words of their own
      const survey = await callService('/internal/v1/surveys', {
        name: 'conformance',
        questions: [
          { id: 'recommend', type: 'nps', text: 'Recommend us?' },
          { id: 'words', type: 'text', text: 'Anything else?' },
        ],
      });
      const invited = (await callService(`/internal/v1/surveys/${survey.id}/invitations`, {
        customerIds: [customerId],
      })) as unknown as { invited: Array<{ link: string }> };
      await callService(`${invited.invited[0]!.link.replace('/api/v1/', '/internal/v1/')}/responses`, {
        answers: [
          { questionId: 'recommend', score: 9 },
          { questionId: 'words', text: 'Ask for 王小明 at the front desk' },
        ],
      });
      // in a campaign's audience with their address, and interaction's copy of their consent
      const consent = consentChanged(customerId, true);
      await publishCustomerEvents(clients.producer, consent);
      await handled(clients.db, consent);
      const campaign = await callService('/internal/v1/campaigns', {
        name: 'conformance',
        channel: 'email',
        purpose: 'marketing',
        subject: 'Hello',
        body: 'Hello {{name}}',
        audience: [{ customerId, address: 'conformance@example.com', fields: { name: '王小明' } }],
      });
      return {
        customerId,
        expected: {
          campaignRecipients: [
            expect.objectContaining({ campaignId: campaign.id, address: 'conformance@example.com', state: 'queued' }),
          ],
          campaignConsents: [{ channel: 'email', purpose: 'marketing', granted: true, changedAt: expect.any(String) }],
          interactionCustomerRefs: { customerId, kind: 'organisation' },
          interactions: [
            expect.objectContaining({
              id: interactionId,
              customerId,
              channel: 'phone',
              summary: interactionRequest().summary,
              occurredAt: '2026-11-02T02:00:00.000Z',
            }),
            expect.objectContaining({
              customerId,
              channel: 'wechat',
              direction: 'inbound',
              summary: 'Where is my tea?',
              occurredAt: '2026-11-03T02:00:00.000Z',
            }),
          ],
          wechatMessages: [expect.objectContaining({ customerId, openid, kind: 'text', content: 'Where is my tea?' })],
          followUps: [
            expect.objectContaining({
              id: followUpId,
              customerId,
              note: followUpRequest(customerId, '').note,
              dueAt: '2027-01-06T02:00:00.000Z',
            }),
            expect.objectContaining({ customerId, enrolmentId: enrolment.id, stepIndex: 0, channel: 'email' }),
          ],
          cadenceEnrolments: [
            expect.objectContaining({ id: enrolment.id, cadenceId: cadence.id, customerId, stopped: false }),
          ],
          surveyInvitations: [
            expect.objectContaining({
              surveyId: survey.id,
              surveyName: 'conformance',
              respondedAt: expect.any(String),
              answers: [
                { questionId: 'recommend', score: 9, choices: null, text: null },
                { questionId: 'words', score: null, choices: null, text: 'Ask for 王小明 at the front desk' },
              ],
            }),
          ],
        },
      };
    },
    // its reference, its call and the WeChat message merged into it, its two follow-ups (with their
    // timers), its enrolment, its survey invitation and the words of its answer
    erasure: {
      removed: {
        customerRefs: 1,
        interactions: 2,
        wechatMessages: 1,
        followUps: 2,
        cadenceEnrolments: 1,
        surveyInvitations: 1,
        surveyTexts: 1,
        campaignRecipients: 1,
        campaignConsents: 1,
        mergedCustomerIds: 1,
      },
    },
  });

  const rowOf = async (customerId: string) =>
    (
      await clients.db.query('SELECT customer_id, kind FROM interaction.customer_refs WHERE customer_id = $1', [
        customerId,
      ])
    ).rows[0] as { customer_id: string; kind: string } | undefined;
  const known = (customerId: string) =>
    eventually(async () => (await rowOf(customerId)) !== undefined, 20_000, `interaction to know ${customerId}`);

  it('moves the merged customer’s row to a survivor it did not know', async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    await publishCustomerEvents(clients.producer, customerCreated(mergedId, 'organisation'));
    await known(mergedId);

    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);

    expect(await rowOf(survivorId)).toEqual({ customer_id: survivorId, kind: 'organisation' });
    expect(await rowOf(mergedId)).toBeUndefined();
  });

  it('gives the merged customer’s interactions and follow-ups to the survivor', async () => {
    const merged = await customerWithContacts();
    const survivor = await customerWithContacts('person');
    const merge = customerMerged(merged.customerId, survivor.customerId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);

    const owners = async (table: string, ids: string[]) =>
      (
        await clients.db.query(`SELECT DISTINCT customer_id FROM interaction.${table} WHERE id = ANY($1::uuid[])`, [
          ids,
        ])
      ).rows.map((r: { customer_id: string }) => r.customer_id);
    expect(await owners('interactions', [merged.interactionId, survivor.interactionId])).toEqual([survivor.customerId]);
    expect(await owners('follow_ups', [merged.followUpId, survivor.followUpId])).toEqual([survivor.customerId]);
    expect(await placesHolding(clients.db, merged.customerId)).toEqual(['merged_customers.merged_customer_id']);
  });

  it('keeps the survivor’s own row and drops the merged one', async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    await publishCustomerEvents(
      clients.producer,
      customerCreated(mergedId, 'organisation'),
      customerCreated(survivorId, 'person'),
    );
    await known(mergedId);
    await known(survivorId);

    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);

    expect(await rowOf(survivorId)).toEqual({ customer_id: survivorId, kind: 'person' });
    expect(await rowOf(mergedId)).toBeUndefined();
  });

  it('does not bring back a merged customer whose creation arrives after the merge', async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);

    const late = customerCreated(mergedId);
    await publishCustomerEvents(clients.producer, late);
    await handled(clients.db, late);

    expect(await rowOf(mergedId)).toBeUndefined();
  });

  it('erases everything held on the customer, its merged-away ids included, and nothing of others', async () => {
    const { customerId: mergedId } = await customerWithContacts('person');
    const { customerId: survivorId } = await customerWithContacts('person');
    const { customerId: bystanderId, interactionId: bystanderCall } = await customerWithContacts('person');
    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(clients.db, merge);
    expect(await placesHolding(clients.db, survivorId)).not.toEqual([]);
    expect(await placesHolding(clients.db, mergedId)).not.toEqual([]);

    const erase = customerErased(survivorId);
    await publishCustomerEvents(clients.producer, erase);
    await handled(clients.db, erase);

    expect(await placesHolding(clients.db, survivorId)).toEqual([]);
    expect(await placesHolding(clients.db, mergedId)).toEqual([]);
    expect(await rowOf(bystanderId)).toEqual({ customer_id: bystanderId, kind: 'person' });
    const left = await clients.db.query('SELECT customer_id FROM interaction.interactions WHERE id = $1', [
      bystanderCall,
    ]);
    expect(left.rows).toEqual([{ customer_id: bystanderId }]);
    const timers = await clients.db.query(
      `SELECT count(*)::int AS n FROM interaction.follow_up_timers t
        WHERE NOT EXISTS (SELECT 1 FROM interaction.follow_ups f WHERE f.id = t.follow_up_id)`,
    );
    expect(timers.rows).toEqual([{ n: 0 }]);
  });

  // What the subject-rights library adds to every participant, seen through this one.
  describe('acknowledgements and chains of merges', () => {
    // A service's acknowledgement event exists once it is listed in ACKNOWLEDGING (see the service template).
    const acknowledgement = ErasureAcknowledgedV1['interaction' as AcknowledgingService];
    const acknowledgementsOf = (customerId: string) =>
      collectRecords(
        clients.bus,
        Topics[acknowledgement.topic].name,
        (r) => r.key === customerId && r.headers['ce_type'] === acknowledgement.type,
      );
    const dataOf = (record: Parameters<typeof fromBinaryMode>) =>
      fromBinaryMode(...record).data as ErasureAcknowledgement;

    it('follows a chain of merges to the last survivor, and erasing it reaches every id of the chain', async () => {
      const [first, second, last] = [randomUUID(), randomUUID(), randomUUID()];
      await publishCustomerEvents(clients.producer, customerCreated(first, 'organisation'));
      await known(first);
      for (const merge of [customerMerged(first, second), customerMerged(second, last)]) {
        await publishCustomerEvents(clients.producer, merge);
        await handled(clients.db, merge);
      }
      expect(await rowOf(last)).toEqual({ customer_id: last, kind: 'organisation' });
      expect(await placesHolding(clients.db, first)).toEqual(['merged_customers.merged_customer_id']);

      const acks = await acknowledgementsOf(last);
      try {
        await publishCustomerEvents(clients.producer, customerErased(last));
        await eventually(async () => acks.records.length === 1, 30_000, 'the acknowledgement of the erasure');
      } finally {
        await acks.stop();
      }
      expect(dataOf([acks.records[0]!.headers, acks.records[0]!.value])).toMatchObject({
        customerId: last,
        removed: { customerRefs: 1, interactions: 0, followUps: 0, cadenceEnrolments: 0, mergedCustomerIds: 2 },
        kept: [],
      });
      expect(dataOf([acks.records[0]!.headers, acks.records[0]!.value]).erasureId).toBeUndefined();
      for (const id of [first, second, last]) expect(await placesHolding(clients.db, id)).toEqual([]);
    });

    it('acknowledges a redelivered customer.erased once, and a new erasure of the same customer again', async () => {
      const nothing = {
        customerRefs: 0,
        interactions: 0,
        followUps: 0,
        cadenceEnrolments: 0,
        surveyInvitations: 0,
        surveyTexts: 0,
        wechatMessages: 0,
        campaignRecipients: 0,
        campaignConsents: 0,
        mergedCustomerIds: 0,
      };
      const customerId = randomUUID();
      await publishCustomerEvents(clients.producer, customerCreated(customerId));
      await known(customerId);
      const erase = customerErased(customerId);
      const again = customerErased(customerId); // a new event: same key, so it comes after the redelivery
      const acks = await acknowledgementsOf(customerId);
      try {
        await publishCustomerEvents(clients.producer, erase);
        await publishCustomerEvents(clients.producer, erase);
        await publishCustomerEvents(clients.producer, again);
        await handled(clients.db, again);
        await eventually(async () => acks.records.length >= 2, 30_000, 'the acknowledgements');
        // The relay may still be publishing: give a wrong third one the time to show up.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      } finally {
        await acks.stop();
      }
      expect(acks.records.map((r) => dataOf([r.headers, r.value]).removed)).toEqual([
        { ...nothing, customerRefs: 1 },
        nothing,
      ]);
    });
  });
});
