import { demoUserToken } from './demo-tokens';

/**
 * Demo data for a newcomer's first `npm start`: something to try for every feature that exists,
 * created through the public API by the demo users, as a department would. Each write carries an
 * Idempotency-Key, so a seed interrupted and run again does not create anything twice.
 * Later features add their own steps to DEMO_STEPS.
 */
export interface DemoSummary {
  customers: number;
  purchases: number;
  segments: number;
  tickets: number;
  interactions: number;
  followUps: number;
  /** The demo customers by seed key, for the README's examples and the first-run test. */
  ids: Record<string, string>;
}

type DemoUser = 'admin' | 'manager' | 'agent1' | 'agent2';

interface DemoCustomer {
  key: string;
  by: DemoUser;
  body: Record<string, unknown>;
}

const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    key: 'wang',
    by: 'agent1',
    body: {
      name: '王小明',
      gender: 'male',
      email: 'xiaoming.wang@example.com',
      phone: '138 0013 8000',
      sourceChannel: 'store',
      tags: ['vip', '茶友'],
      interests: ['green tea'],
      addresses: [
        {
          country: 'CN',
          province: '浙江省',
          city: '杭州市',
          district: '西湖区',
          street: '龙井路 1 号',
          postcode: '310000',
        },
      ],
      identifiers: [{ type: 'wechat_openid', value: 'oDemo-wang-0001' }],
    },
  },
  {
    key: 'li',
    by: 'agent1',
    body: {
      name: '李娜',
      email: 'na.li@example.com',
      phone: '+86 139 0013 9000',
      sourceChannel: 'web_form',
      tags: ['茶友'],
    },
  },
  {
    key: 'teaCompany',
    by: 'agent1',
    body: {
      name: '杭州茶业有限公司',
      kind: 'organisation',
      phone: '0571 8765 4321',
      sourceChannel: 'sales',
      addresses: [{ country: 'CN', province: '浙江省', city: '杭州市' }],
      contacts: [{ name: '陈静', title: '采购经理', phone: '138 0013 8001', email: 'jing.chen@hzcy.example.com' }],
    },
  },
  {
    key: 'acme',
    by: 'agent2',
    body: {
      name: 'Acme Trading Co.',
      kind: 'organisation',
      email: 'buyer@acme.example.com',
      phone: '+1 415 555 2671',
      sourceChannel: 'sales',
      addresses: [{ country: 'US', city: 'San Francisco' }],
      contacts: [{ name: 'Jane Doe', title: 'Buyer', phone: '+1 (415) 555-0134' }],
    },
  },
  {
    key: 'rossi',
    by: 'manager',
    body: {
      name: 'Maria Rossi',
      email: 'maria.rossi@example.com',
      phone: '+39 333 123 4567',
      sourceChannel: 'social',
      addresses: [{ country: 'IT', city: 'Milano' }],
    },
  },
  {
    key: 'mueller',
    by: 'agent2',
    body: {
      name: 'Hans Müller',
      email: 'hans.mueller@example.de',
      phone: '+49 30 123456',
      sourceChannel: 'store',
      addresses: [{ country: 'DE', city: 'Berlin' }],
    },
  },
  // Released to the public pool (公海) below, for anyone to claim.
  {
    key: 'sato',
    by: 'agent1',
    body: { name: '佐藤 花子', email: 'hanako.sato@example.jp', phone: '+81 3-1234-5678', sourceChannel: 'web_form' },
  },
];

interface DemoPurchase {
  key: string;
  customer: string;
  by: DemoUser;
  currency: string;
  daysAgo: number;
  lines: Array<{ sku: string; name: string; category: string; quantity: number; unitPrice: number }>;
}

const DEMO_PURCHASES: DemoPurchase[] = [
  {
    key: 'SO-DEMO-0001',
    customer: 'wang',
    by: 'agent1',
    currency: 'CNY',
    daysAgo: 40,
    lines: [
      { sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity: 2, unitPrice: 388 },
      { sku: 'CUP-010', name: '青瓷茶杯', category: 'teaware', quantity: 1, unitPrice: 129 },
    ],
  },
  {
    key: 'SO-DEMO-0002',
    customer: 'wang',
    by: 'agent1',
    currency: 'CNY',
    daysAgo: 6,
    lines: [{ sku: 'TEA-002', name: '普洱', category: 'tea', quantity: 1, unitPrice: 268 }],
  },
  {
    key: 'SO-DEMO-0003',
    customer: 'rossi',
    by: 'manager',
    currency: 'EUR',
    daysAgo: 12,
    lines: [{ sku: 'TEA-001', name: 'Longjing', category: 'tea', quantity: 1, unitPrice: 49.9 }],
  },
  {
    key: 'SO-DEMO-0004',
    customer: 'acme',
    by: 'agent2',
    currency: 'USD',
    daysAgo: 3,
    lines: [{ sku: 'TEA-BULK-1', name: 'Oolong, 5 kg', category: 'tea', quantity: 3, unitPrice: 420 }],
  },
  // Two baskets sharing SKUs with 王小明's, so that the recommendations have something bought together:
  // Maria Rossi (TEA-001 only) is recommended CUP-010, "bought with TEA-001 in 2 baskets", and the
  // evaluation holds out 王小明's and Hans Müller's last baskets.
  {
    key: 'SO-DEMO-0005',
    customer: 'mueller',
    by: 'agent2',
    currency: 'EUR',
    daysAgo: 30,
    lines: [
      { sku: 'TEA-002', name: "Pu'er", category: 'tea', quantity: 1, unitPrice: 32 },
      { sku: 'CUP-010', name: 'Celadon cup', category: 'teaware', quantity: 2, unitPrice: 16.5 },
    ],
  },
  {
    key: 'SO-DEMO-0006',
    customer: 'mueller',
    by: 'agent2',
    currency: 'EUR',
    daysAgo: 4,
    lines: [
      { sku: 'TEA-001', name: 'Longjing', category: 'tea', quantity: 1, unitPrice: 49.9 },
      { sku: 'CUP-010', name: 'Celadon cup', category: 'teaware', quantity: 1, unitPrice: 16.5 },
    ],
  },
];

interface DemoTicket {
  key: string;
  customer: string;
  by: DemoUser;
  body: Record<string, unknown>;
  /** What happens to it after it is received, in order: a reply to the customer, a note, or a move. */
  steps: Array<{ reply: string } | { note: string } | { to: string; note?: string }>;
}

/**
 * Queues for the README's "For service managers": general (the fallback) deals to agent1 and agent2 in
 * turn, vip (the VIP customers' queue) to whoever of them has the fewest open tickets, social takes
 * WeChat and Weibo for team south, billing the billing requests of team north.
 */
const DEMO_QUEUES: Array<{ name: string; body: Record<string, unknown> }> = [
  {
    name: 'general',
    body: {
      team: 'north',
      lead: 'manager',
      members: ['agent1', 'agent2'],
      assignment: 'round-robin',
      priority: 1_000_000,
    },
  },
  {
    name: 'vip',
    body: {
      team: 'north',
      lead: 'manager',
      members: ['agent1', 'manager'],
      assignment: 'least-loaded',
      priority: 0,
      vip: true,
    },
  },
  {
    name: 'social',
    body: {
      team: 'south',
      members: ['agent2'],
      assignment: 'round-robin',
      match: { channels: ['wechat', 'weibo'] },
      priority: 10,
    },
  },
  {
    name: 'billing',
    body: {
      team: 'north',
      lead: 'manager',
      members: ['agent1'],
      assignment: 'least-loaded',
      match: { categories: ['billing'] },
      priority: 20,
    },
  },
];

/**
 * A wholesale order that takes the tea company to loyalty's top tier (platinum, from 20 000 CNY in
 * the window): service-desk learns it from tier.changed, and the company's ticket goes to the VIP queue.
 */
const VIP_PURCHASE = {
  externalOrderId: 'SO-DEMO-VIP-0001',
  currency: 'CNY',
  channel: 'store',
  lines: [{ sku: 'TEA-BULK-PU', name: '普洱茶饼 (批发)', category: 'tea', quantity: 60, unitPrice: 400 }],
};

/** Tickets in different states of the complaint process, for the README's "For service managers". */
const DEMO_TICKETS: DemoTicket[] = [
  {
    key: 'wang-damaged-tin',
    customer: 'wang',
    by: 'agent1',
    body: {
      type: 'complaint',
      channel: 'phone',
      priority: 'high',
      category: 'delivery',
      // worked by the agent who took it (routing keeps an assignee the caller chose)
      assignee: 'agent1',
      subject: '龙井茶罐运输途中压坏',
      description: '客户收到的明前龙井茶罐被压扁，茶叶受潮，要求换货。',
    },
    steps: [
      { reply: '王先生您好，非常抱歉，我们已安排换货，请保留原包装。' },
      { to: 'investigating' },
      { note: 'Courier claim 2026-118 opened.' },
      { to: 'resolved', note: 'Replacement delivered and confirmed by phone' },
    ],
  },
  {
    key: 'li-opening-hours',
    customer: 'li',
    by: 'agent1',
    body: {
      type: 'inquiry',
      channel: 'wechat',
      subject: '西湖店春节营业时间',
      description: '请问西湖店春节期间几点开门？',
    },
    steps: [],
  },
  {
    key: 'tea-company-invoice',
    customer: 'teaCompany',
    by: 'agent1',
    body: {
      type: 'request',
      channel: 'email',
      category: 'billing',
      assignee: 'agent1',
      subject: '11 月批发订单发票抬头更正',
      description: '发票抬头应为杭州茶业有限公司，税号随后补充。',
    },
    steps: [
      { reply: '陈经理您好，请提供正确的税号，我们收到后重开发票。' },
      { to: 'investigating' },
      { to: 'pending-customer', note: 'Waiting for the tax number' },
    ],
  },
  {
    // a VIP's new ticket: the vip queue deals it to whoever of its members has the fewest open tickets
    key: 'tea-company-tasting',
    customer: 'teaCompany',
    by: 'agent1',
    body: {
      type: 'request',
      channel: 'phone',
      subject: '门店品鉴会预约',
      description: '希望下周为 20 位员工安排一次普洱品鉴会。',
    },
    steps: [],
  },
  {
    // received on a Monday morning and never answered: both SLA targets breached (GET /tickets?sla=breached);
    // the scheduler hands it to the queue's lead at the first-response breach
    key: 'li-refund-overdue',
    customer: 'li',
    by: 'agent1',
    body: {
      type: 'complaint',
      channel: 'phone',
      priority: 'urgent',
      receivedAt: '2026-11-30T01:30:00Z',
      subject: '退款两周仍未到账',
      description: '11 月 16 日退货的茶具，退款至今未到账，客户要求尽快处理。',
    },
    steps: [],
  },
  {
    key: 'acme-feedback',
    customer: 'acme',
    by: 'agent2',
    body: {
      type: 'feedback',
      channel: 'web-form',
      priority: 'low',
      assignee: 'agent2',
      subject: 'Great sample box',
      description: 'The oolong sample box was a hit with our team; please keep it in the catalogue.',
    },
    steps: [
      { reply: 'Thank you! The sample box stays in the catalogue for 2027.' },
      { to: 'investigating' },
      { to: 'resolved' },
      { to: 'closed' },
    ],
  },
];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Contacts for every demo customer's timeline (interaction), `daysAgo` days before today at `hour` in
 * Shanghai: calls, WeChat messages, mails and visits, by the agent who works the customer.
 */
const DEMO_INTERACTIONS: Array<{
  customer: string;
  by: DemoUser;
  daysAgo: number;
  hour: number;
  body: Record<string, unknown>;
}> = [
  {
    customer: 'wang',
    by: 'agent1',
    daysAgo: 9,
    hour: 10,
    body: {
      channel: 'phone',
      direction: 'outbound',
      summary: '回访：茶叶礼盒收到，包装破损，已建工单',
      outcome: 'reached',
      durationSeconds: 320,
    },
  },
  {
    customer: 'wang',
    by: 'agent1',
    daysAgo: 3,
    hour: 20,
    body: { channel: 'wechat', direction: 'inbound', summary: '询问换货进度', outcome: 'answered' },
  },
  {
    customer: 'li',
    by: 'agent1',
    daysAgo: 6,
    hour: 14,
    body: {
      channel: 'visit',
      direction: 'outbound',
      summary: '门店到访，试喝新品龙井',
      outcome: 'interested',
      durationSeconds: 1_800,
    },
  },
  {
    customer: 'li',
    by: 'agent1',
    daysAgo: 2,
    hour: 11,
    body: { channel: 'sms', direction: 'outbound', summary: '新品上市通知', outcome: 'sent' },
  },
  {
    customer: 'teaCompany',
    by: 'agent1',
    daysAgo: 12,
    hour: 15,
    body: {
      channel: 'meeting',
      direction: 'outbound',
      summary: 'Annual wholesale terms with 陈静 (purchasing)',
      outcome: 'agreed',
      durationSeconds: 3_600,
    },
  },
  {
    customer: 'teaCompany',
    by: 'agent1',
    daysAgo: 1,
    hour: 9,
    body: {
      channel: 'email',
      direction: 'inbound',
      summary: 'Asked for the invoice of the wholesale order',
      outcome: 'answered',
    },
  },
  {
    customer: 'acme',
    by: 'agent2',
    daysAgo: 8,
    hour: 22,
    body: {
      channel: 'phone',
      direction: 'inbound',
      summary: 'Asked about shipping to San Francisco',
      outcome: 'answered',
      durationSeconds: 420,
    },
  },
  {
    customer: 'acme',
    by: 'agent2',
    daysAgo: 4,
    hour: 9,
    body: { channel: 'web-form', direction: 'inbound', summary: 'Requested a sample pack', outcome: 'sample-sent' },
  },
  {
    customer: 'rossi',
    by: 'manager',
    daysAgo: 5,
    hour: 16,
    body: { channel: 'email', direction: 'outbound', summary: 'Sent the autumn catalogue', outcome: 'sent' },
  },
  {
    customer: 'mueller',
    by: 'agent2',
    daysAgo: 7,
    hour: 17,
    body: { channel: 'chat', direction: 'inbound', summary: 'Fragte nach Bio-Zertifikaten', outcome: 'answered' },
  },
  {
    customer: 'mueller',
    by: 'agent2',
    daysAgo: 2,
    hour: 15,
    body: { channel: 'phone', direction: 'outbound', summary: 'Follow-up on the certificates', outcome: 'no-answer' },
  },
];

/**
 * Follow-ups for the README's "assignee=me&due=today" and "status=overdue": each planned by its assignee,
 * due `daysFromToday` days from today at `hour` in Shanghai (negative: overdue already).
 */
const DEMO_FOLLOW_UPS: Array<{
  key: string;
  customer: string;
  by: DemoUser;
  daysFromToday: number;
  hour: number;
  body: Record<string, unknown>;
}> = [
  {
    key: 'wang-exchange',
    customer: 'wang',
    by: 'agent1',
    daysFromToday: 0,
    hour: 23,
    body: { channel: 'wechat', note: '确认换货已签收' },
  },
  {
    key: 'li-tasting',
    customer: 'li',
    by: 'agent1',
    daysFromToday: -1,
    hour: 10,
    body: { channel: 'phone', note: '问试喝反馈，邀请参加品鉴会' },
  },
  {
    key: 'tea-company-invoice',
    customer: 'teaCompany',
    by: 'agent1',
    daysFromToday: 2,
    hour: 10,
    body: { channel: 'email', note: 'Check that the invoice arrived' },
  },
  {
    key: 'acme-sample',
    customer: 'acme',
    by: 'agent2',
    daysFromToday: 0,
    hour: 23,
    body: { channel: 'phone', note: 'Ask how the sample pack tasted' },
  },
  {
    key: 'mueller-certificates',
    customer: 'mueller',
    by: 'agent2',
    daysFromToday: -2,
    hour: 15,
    body: { channel: 'email', note: 'Send the organic certificates' },
  },
];

/** A win-back cadence the manager defined, with 李娜 enrolled (it stops if she replies, buys or withdraws consent). */
const DEMO_CADENCE = {
  name: 'win-back',
  description: 'Three contacts over two weeks for customers at risk of leaving',
  steps: [
    { dayOffset: 0, channel: 'phone', note: '问近况，了解是否有不满意的地方' },
    { dayOffset: 3, channel: 'wechat', note: '发送老客户专属优惠券' },
    { dayOffset: 10, channel: 'email', note: 'Invite to the spring tasting' },
  ],
};

/** Midnight of today in Shanghai (the follow-ups' calendar), as epoch ms. */
function shanghaiMidnight(now = Date.now()): number {
  return Math.floor((now + 8 * HOUR_MS) / DAY_MS) * DAY_MS - 8 * HOUR_MS;
}

class DemoApi {
  private readonly tokens = new Map<DemoUser, string>();

  constructor(private readonly gatewayUrl: string) {}

  async call<T>(
    by: DemoUser,
    method: string,
    path: string,
    body: unknown,
    key: string,
    expected: number[],
  ): Promise<T> {
    let token = this.tokens.get(by);
    if (!token) {
      token = await demoUserToken(this.gatewayUrl, by);
      this.tokens.set(by, token);
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'POST') headers['idempotency-key'] = `seed-${key}`;
    const response = await fetch(`${this.gatewayUrl}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!expected.includes(response.status))
      throw new Error(`seeding ${key} failed: ${method} ${path} answered ${response.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export async function seedDemoData(
  gatewayUrl: string,
  options: { loyaltyTimeoutMs?: number } = {},
): Promise<DemoSummary> {
  const api = new DemoApi(gatewayUrl);
  const ids: Record<string, string> = {};

  // Teams first: round robin and the manager's view need members.
  await api.call('admin', 'PUT', '/teams/north/members', { userIds: ['agent1', 'manager'] }, 'team-north', [200]);
  await api.call('admin', 'PUT', '/teams/south/members', { userIds: ['agent2'] }, 'team-south', [200]);

  for (const customer of DEMO_CUSTOMERS) {
    const created = await api.call<{ id: string }>(
      customer.by,
      'POST',
      '/customers',
      customer.body,
      `customer-${customer.key}`,
      [201],
    );
    ids[customer.key] = created.id;
  }
  // A lead from a web form, dealt to the next member of team north in turn.
  const dealt = await api.call<{ id: string }>(
    'admin',
    'POST',
    '/customers',
    {
      name: 'Emma Dubois',
      email: 'emma.dubois@example.fr',
      phone: '+33 6 12 34 56 78',
      sourceChannel: 'web_form',
      assign: { rule: 'round-robin', team: 'north' },
    },
    'customer-dubois',
    [201],
  );
  ids['dubois'] = dealt.id;

  await api.call(
    'agent1',
    'POST',
    `/customers/${ids['sato']}/release`,
    { reason: '客户暂无需求' },
    'release-sato',
    [200],
  );
  for (const channel of ['sms', 'email']) {
    await api.call(
      'agent1',
      'POST',
      `/customers/${ids['wang']}/consents`,
      { channel, purpose: 'marketing', granted: true, source: 'store:signup-form', legalBasis: 'consent' },
      `consent-wang-${channel}`,
      [200, 201],
    );
  }

  for (const purchase of DEMO_PURCHASES) {
    await api.call(
      purchase.by,
      'POST',
      `/customers/${ids[purchase.customer]}/purchases`,
      {
        externalOrderId: purchase.key,
        currency: purchase.currency,
        channel: 'store',
        // Whole days (10:00 UTC), so a seed run again the same day sends the very body its
        // Idempotency-Key was first used with (a different body under the same key is a 422).
        occurredAt: new Date(
          (Math.floor(Date.now() / 86_400_000) - purchase.daysAgo) * 86_400_000 + 36_000_000,
        ).toISOString(),
        lines: purchase.lines,
      },
      `purchase-${purchase.key}`,
      [200, 201],
    );
  }

  await api.call(
    'agent1',
    'POST',
    '/segments',
    {
      name: '茶友 (tea lovers)',
      description: 'Customers tagged 茶友',
      definition: { conditions: [{ field: 'tags', op: 'hasAny', value: ['茶友'] }] },
    },
    'segment-tea-lovers',
    [201],
  );

  // Loyalty credits purchases from Kafka events: wait until the demo member has its points, so the
  // first `npm start` prints "running" only when every feature has something to show.
  const deadline = Date.now() + (options.loyaltyTimeoutMs ?? 60_000);
  for (;;) {
    const member = await api
      .call<{ balance: number }>(
        'agent1',
        'GET',
        `/loyalty/members/${ids['wang']}`,
        undefined,
        'loyalty-wang',
        [200, 404],
      )
      .catch(() => undefined);
    if (member && member.balance > 0) break;
    if (Date.now() > deadline)
      throw new Error(
        'seeding: loyalty did not credit the demo purchases in time (see .local/<profile>/logs/loyalty.log)',
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  for (const queue of DEMO_QUEUES)
    await api.call('admin', 'PUT', `/queues/${queue.name}`, queue.body, `queue-${queue.name}`, [200, 201]);
  // team north's manager takes the tickets an SLA escalation reassign-to-manager hands over
  await api.call('admin', 'PUT', '/service-desk/teams/north', { manager: 'manager' }, 'sd-team-north', [200, 201]);
  await seedVipCustomer(api, ids['teaCompany']!, options.loyaltyTimeoutMs ?? 60_000);
  const tickets: Record<string, string> = {};
  for (const ticket of [...DEMO_TICKETS, await atRiskTicket(api)])
    tickets[ticket.key] = await seedTicket(api, ticket, ids[ticket.customer]!);
  // The customer rates the resolved complaint through the signed link an agent sent them (public route).
  const resolved = await api.call<{ csatLink: string | null }>(
    'agent1',
    'GET',
    `/tickets/${tickets['wang-damaged-tin']}`,
    undefined,
    'csat-link-wang',
    [200],
  );
  if (resolved.csatLink)
    await api.call(
      'agent1',
      'POST',
      resolved.csatLink.replace(/^\/api\/v1/, ''),
      { rating: 4, comment: '换货很快，谢谢！' },
      'csat-wang',
      [201, 409],
    );

  await seedInteractions(api, ids);
  await seedSurvey(api, Object.values(ids));
  // At-risk customers for the dashboards (analytics learns the stage from lifecycle.changed): one of
  // agent1's (team north) and one of agent2's (team south), as their owners would mark them by hand.
  for (const [key, by] of [
    ['li', 'agent1'],
    ['acme', 'agent2'],
  ] as const)
    await api.call(
      by,
      'POST',
      `/customers/${ids[key]}/lifecycle`,
      { stage: 'at_risk', reason: '三个月未联系，复购下降' },
      `lifecycle-${key}-at-risk`,
      [200, 409],
    );
  await seedCampaign(api, ids);

  return {
    customers: Object.keys(ids).length,
    purchases: DEMO_PURCHASES.length,
    segments: 1,
    tickets: DEMO_TICKETS.length,
    interactions: DEMO_INTERACTIONS.length,
    followUps: DEMO_FOLLOW_UPS.length + DEMO_CADENCE.steps.length,
    ids,
  };
}

/**
 * A sent campaign in MailDev's inbox on the first start: "春茶上新" to 王小明 (who gave email marketing
 * consent above; interaction has it from consent.changed, which follows his customer.created on the same
 * partition) and to 李娜 (who never did: skipped, no-consent). A run again replays both calls by their keys.
 */
async function seedCampaign(api: DemoApi, ids: Record<string, string>): Promise<void> {
  const campaign = await api.call<{ id: string }>(
    'manager',
    'POST',
    '/campaigns',
    {
      name: '春茶上新 Spring tea',
      channel: 'email',
      purpose: 'marketing',
      subject: '{{name}}，春茶上新 / spring tea is here',
      body: '{{name}}，您好！明前龙井八折，周日截止。\nDear {{name}}, 20 % off this spring’s Longjing until Sunday.',
      audience: [
        { customerId: ids['wang'], address: 'xiaoming.wang@example.com', fields: { name: '王小明' } },
        { customerId: ids['li'], address: 'na.li@example.com', fields: { name: '李娜' } },
      ],
    },
    'campaign-spring-tea',
    [201],
  );
  await api.call('manager', 'POST', `/campaigns/${campaign.id}/send`, undefined, 'campaign-spring-tea-send', [202]);
}

/** The demo survey's answers, by invited customer in seed order: NPS, CSAT, what mattered, words. */
const DEMO_SURVEY_ANSWERS: Array<[number, number, string[], string | null]> = [
  [10, 5, ['quality', 'service'], '龙井很香，包装也漂亮。'],
  [9, 4, ['quality'], null],
  [8, 4, ['price'], null],
  [6, 3, ['price'], 'Delivery took a week.'],
  [9, 5, ['service'], null],
  [3, 2, ['service'], 'Nobody called me back.'],
];

/**
 * "After-sales 2026 Q4": every demo customer invited (once interaction knows them all), six of them
 * answering through their links: NPS 3 promoters − 2 detractors of 6 = 16.7, CSAT 4 of 6 = 66.7 %.
 */
async function seedSurvey(api: DemoApi, customerIds: string[], timeoutMs = 60_000): Promise<void> {
  const survey = await api.call<{ id: string }>(
    'manager',
    'POST',
    '/surveys',
    {
      name: 'After-sales 2026 Q4',
      description: 'Two minutes about your last purchase or service request.',
      questions: [
        { id: 'recommend', type: 'nps', text: 'How likely are you to recommend us to a friend or colleague?' },
        { id: 'satisfied', type: 'csat', text: 'How satisfied are you with our service?' },
        { id: 'why', type: 'multiple', text: 'What mattered most?', options: ['price', 'quality', 'service'] },
        { id: 'words', type: 'text', text: 'Anything else you want to tell us?', required: false },
      ],
    },
    'survey',
    [201],
  );
  const links = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; links.size < customerIds.length; attempt++) {
    const answer = await api.call<{ invited: Array<{ customerId: string; link: string }>; unknown: string[] }>(
      'manager',
      'POST',
      `/surveys/${survey.id}/invitations`,
      { customerIds: customerIds.filter((id) => !links.has(id)) },
      `survey-invitations-${attempt}`,
      [201],
    );
    for (const invited of answer.invited) links.set(invited.customerId, invited.link);
    if (answer.unknown.length > 0 && Date.now() > deadline)
      throw new Error('seeding: interaction did not learn of every demo customer in time (see its log)');
    if (answer.unknown.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  for (const [index, [recommend, satisfied, why, words]] of DEMO_SURVEY_ANSWERS.entries()) {
    const link = links.get(customerIds[index]!)!;
    await api.call(
      'manager',
      'POST',
      `${link.replace(/^\/api\/v1/, '')}/responses`,
      {
        answers: [
          { questionId: 'recommend', score: recommend },
          { questionId: 'satisfied', score: satisfied },
          { questionId: 'why', choices: why },
          ...(words ? [{ questionId: 'words', text: words }] : []),
        ],
      },
      `survey-answer-${index}`,
      [201, 409],
    );
  }
}

/**
 * The demo timeline, follow-ups and a win-back cadence. Times are relative to today in Shanghai, so each write's
 * Idempotency-Key names the day: a seed run again the same day replays the same requests. interaction
 * learns customers from customer.created: until it has, a write for the customer is 422, so each try has
 * its own key (as tickets do).
 */
async function seedInteractions(api: DemoApi, ids: Record<string, string>, timeoutMs = 60_000): Promise<void> {
  const midnight = shanghaiMidnight();
  const day = Math.floor(midnight / DAY_MS);
  const retrying = async (by: DemoUser, path: string, body: unknown, key: string) => {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const answer = await api.call<{ id?: string; code?: string }>(
        by,
        'POST',
        path,
        body,
        `${key}-${day}-try-${attempt}`,
        [201, 422],
      );
      if (answer.id) return answer.id;
      if (answer.code !== 'customer-unknown' || Date.now() > deadline)
        throw new Error(
          `seeding: ${key} answered ${answer.code ?? 'no id'} (see .local/<profile>/logs/interaction.log)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  for (const [index, contact] of DEMO_INTERACTIONS.entries()) {
    const occurredAt = new Date(midnight - contact.daysAgo * DAY_MS + contact.hour * HOUR_MS).toISOString();
    await retrying(
      contact.by,
      `/customers/${ids[contact.customer]}/interactions`,
      { ...contact.body, occurredAt },
      `interaction-${contact.customer}-${index}`,
    );
  }
  // a seed run again after the Idempotency-Key expired finds the cadence it made (409: the name is taken)
  const defined = await api.call<{ id?: string }>(
    'manager',
    'POST',
    '/cadences',
    DEMO_CADENCE,
    'cadence-win-back',
    [201, 409],
  );
  const cadences = async () =>
    (
      await api.call<{ items: Array<{ id: string; name: string }> }>(
        'manager',
        'GET',
        '/cadences',
        undefined,
        'cadences',
        [200],
      )
    ).items;
  const cadenceId = defined.id ?? (await cadences()).find((c) => c.name === DEMO_CADENCE.name)!.id;
  await retrying(
    'manager',
    `/cadences/${cadenceId}/enrolments`,
    { customerId: ids['li'], assignee: 'agent1' },
    'cadence-win-back-li',
  );
  for (const followUp of DEMO_FOLLOW_UPS) {
    const dueAt = new Date(midnight + followUp.daysFromToday * DAY_MS + followUp.hour * HOUR_MS).toISOString();
    await retrying(
      followUp.by,
      '/follow-ups',
      { customerId: ids[followUp.customer], dueAt, ...followUp.body },
      `follow-up-${followUp.key}`,
    );
  }
}

/**
 * service-desk learns customers from customer.created: until it has, a ticket for the customer is
 * 422. The gateway stores that answer under the Idempotency-Key too, so each try has its own key
 * (try-0, try-1, …); a seed run again replays the same tries and ends at the same ticket.
 */
/**
 * A low-priority inquiry received 76 % of its first-response target (in working minutes: 342 of the
 * default 450) before the seed runs, never answered: at risk (GET /tickets?sla=at-risk) for the rest
 * of the target, then breached. The instant is found with the calendar's own arithmetic (business-minutes
 * through the gateway, by bisection), so it is exact on any day, holiday or not.
 */
async function atRiskTicket(api: DemoApi): Promise<DemoTicket> {
  const policy = await api.call<{
    calendarId: string;
    targets: Array<{ priority: string; tier: string; firstResponseMinutes: number }>;
  }>('manager', 'GET', '/sla-policies', undefined, 'policy', [200]);
  const cell = policy.targets.find((t) => t.priority === 'low' && t.tier === 'none')!;
  const elapsed = Math.round(cell.firstResponseMinutes * 0.76);
  const now = Math.floor(Date.now() / 1000) * 1000;
  const minutesSince = async (from: number) =>
    (
      await api.call<{ seconds: number }>(
        'manager',
        'GET',
        `/business-calendars/${policy.calendarId}/business-minutes?from=${iso(from)}&to=${iso(now)}`,
        undefined,
        'at-risk-bisect',
        [200],
      )
    ).seconds / 60;
  let [early, late] = [now - 30 * 86_400_000, now];
  while (late - early > 1000) {
    const mid = Math.floor((early + late) / 2000) * 1000;
    if ((await minutesSince(mid)) >= elapsed) early = mid;
    else late = mid;
  }
  return {
    key: 'sato-gift-wrapping',
    // a customer who never bought: analytics gives her no value tier, so the low/none cell applies
    customer: 'sato',
    by: 'agent1',
    body: {
      type: 'inquiry',
      channel: 'email',
      priority: 'low',
      assignee: 'agent1',
      receivedAt: iso(early),
      subject: 'Gift boxes with our logo?',
      description: 'Could you print our company logo on 50 New Year gift boxes, and how early must we order?',
    },
    steps: [],
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function seedTicket(api: DemoApi, ticket: DemoTicket, customerId: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let created: { id?: string; code?: string } | undefined;
  for (let attempt = 0; ; attempt++) {
    created = await api.call<{ id?: string; code?: string }>(
      ticket.by,
      'POST',
      '/tickets',
      { customerId, ...ticket.body },
      `ticket-${ticket.key}-try-${attempt}`,
      [201, 422],
    );
    if (created.id) break;
    if (created.code !== 'customer-unknown' || Date.now() > deadline)
      throw new Error(
        `seeding: ticket ${ticket.key} answered ${created.code ?? 'no id'} (see .local/<profile>/logs/service-desk.log)`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  for (const [index, step] of ticket.steps.entries()) {
    const key = `ticket-${ticket.key}-step-${index}`;
    if ('reply' in step)
      await api.call(ticket.by, 'POST', `/tickets/${created.id}/replies`, { text: step.reply }, key, [201]);
    else if ('to' in step) await api.call(ticket.by, 'POST', `/tickets/${created.id}/transitions`, step, key, [200]);
    else await api.call(ticket.by, 'POST', `/tickets/${created.id}/notes`, { text: step.note }, key, [201]);
  }
  return created.id!;
}

/**
 * The tea company's wholesale order, then a wait until loyalty has it in platinum and service-desk has
 * had a moment to take the tier.changed (it consumes within a second or two), so its ticket is a VIP's.
 */
async function seedVipCustomer(api: DemoApi, customerId: string, timeoutMs: number): Promise<void> {
  const day = Math.floor(Date.now() / 86_400_000);
  await api.call(
    'manager',
    'POST',
    `/customers/${customerId}/purchases`,
    { ...VIP_PURCHASE, occurredAt: new Date((day - 1) * 86_400_000 + 36_000_000).toISOString() },
    'purchase-vip-tea-company',
    [200, 201],
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const member = await api
      .call<{ tier: string | null }>(
        'manager',
        'GET',
        `/loyalty/members/${customerId}`,
        undefined,
        'vip-tier',
        [200, 404],
      )
      .catch(() => undefined);
    if (member?.tier === 'platinum') break;
    if (Date.now() > deadline)
      throw new Error(
        'seeding: loyalty did not move the tea company to platinum in time (see .local/<profile>/logs/loyalty.log)',
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
}
