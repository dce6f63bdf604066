import { Readable, Writable } from 'node:stream';
import { SUBJECT_RIGHTS_PARTICIPANTS } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { AuditService } from '../audit/audit.service';
import type { GatewayConfig } from '../upstream/gateway-config';
import type { OpenedUpstreamResponse, UpstreamClient, UpstreamResponse } from '../upstream/upstream.client';
import { ComposedExport, CustomerExportService, ExportRefused } from './customer-export.service';

const ID = '7b0c1f7e-3f59-4a4e-9d55-0c8a2c1d5e01';
const SURVIVOR = '0e2f5d43-6a35-4c1e-8f42-44d2b0b1c9aa';
const caller: CallerIdentity = { sub: 'dpo', roles: ['admin'], scopes: ['customers:read', 'pii:read'] };

const profileSection = (id = ID): UpstreamResponse => ({
  status: 200,
  contentType: 'application/json',
  body: {
    service: 'customer-profile',
    readAt: '2026-12-04T15:00:00.000Z',
    data: {
      profile: { id, name: '张伟' },
      consents: [],
      duplicateCandidates: [],
      segmentMemberships: [],
      purchases: [{ id: 'p1' }],
      ownershipHistory: [],
      lifecycleHistory: [],
    },
  },
});

const loyaltyData = {
  loyaltyAccount: { balance: 10 },
  pointsLedger: [{ kind: 'earn' }],
  pointLots: [],
  purchasePoints: [],
  redemptions: [],
  coupons: [],
  referrals: [],
};
const loyaltySection = (data: Record<string, unknown> = loyaltyData): UpstreamResponse => ({
  status: 200,
  contentType: 'application/json',
  body: { service: 'loyalty', readAt: '2026-12-04T15:00:01.000Z', data },
});

/** A participant the test does not look at answers its declared sections, empty. */
const emptySection = (service: string): UpstreamResponse => {
  const registration = SUBJECT_RIGHTS_PARTICIPANTS.find((p) => p.service === service)!;
  return {
    status: 200,
    contentType: 'application/json',
    body: {
      service,
      readAt: '2026-12-04T15:00:02.000Z',
      data: Object.fromEntries(registration.sections.map((s) => [s, []])),
    },
  };
};
const OTHERS = SUBJECT_RIGHTS_PARTICIPANTS.map((p) => p.service).filter(
  (s) => s !== 'customer-profile' && s !== 'loyalty',
);

/** An answer as the service sends it: the JSON body arrives as a stream. */
const opened = (answer: UpstreamResponse | OpenedUpstreamResponse): OpenedUpstreamResponse =>
  answer.body instanceof Readable
    ? (answer as OpenedUpstreamResponse)
    : {
        status: answer.status,
        contentType: answer.contentType,
        body: Readable.from(answer.body === undefined ? [] : [Buffer.from(JSON.stringify(answer.body))]),
      };

/** Sends a composed export as the controller does, and reads the document back. */
async function sent(composed: ComposedExport): Promise<Record<string, unknown>> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  await composed.send(out);
  return JSON.parse(text) as Record<string, unknown>;
}

describe(CustomerExportService.name, () => {
  function setUp(answers: Record<string, () => Promise<UpstreamResponse | OpenedUpstreamResponse>>) {
    const calls: Array<{ upstream: string; path: string }> = [];
    const upstream = {
      open: jest.fn(async (name: string, path: string) => {
        calls.push({ upstream: name, path });
        return opened(await (answers[name] ?? (async () => emptySection(name)))());
      }),
    } as unknown as UpstreamClient;
    const audit = { record: jest.fn(async () => undefined) };
    const sut = new CustomerExportService(
      upstream,
      audit as unknown as AuditService,
      { UPSTREAM_TIMEOUT_MS: 5_000 } as GatewayConfig,
    );
    return { sut, calls, audit };
  }

  it('composes every participant’s sections into one document, stamped per service, and audits it once', async () => {
    const { sut, calls, audit } = setUp({
      'customer-profile': async () => profileSection(SURVIVOR),
      loyalty: async () => loyaltySection(),
    });

    const composed = await sut.compose(ID, caller, 'req-1');

    expect(composed).toBeInstanceOf(ComposedExport);
    const document = await sent(composed as ComposedExport);
    expect(document).toMatchObject({
      customerId: SURVIVOR,
      customer: { id: SURVIVOR },
      sections: {
        profile: { id: SURVIVOR },
        purchases: [{ id: 'p1' }],
        loyaltyAccount: { balance: 10 },
        pointsLedger: [{ kind: 'earn' }],
      },
      sources: [
        {
          service: 'customer-profile',
          readAt: '2026-12-04T15:00:00.000Z',
          sections: expect.arrayContaining(['profile', 'purchases']),
        },
        {
          service: 'loyalty',
          readAt: '2026-12-04T15:00:01.000Z',
          sections: expect.arrayContaining(['loyaltyAccount', 'pointsLedger']),
        },
        ...OTHERS.map((service) => ({ service, readAt: '2026-12-04T15:00:02.000Z', sections: expect.any(Array) })),
      ],
    });
    // a merged id: the other services are asked for the survivor
    expect(calls).toEqual([
      { upstream: 'customer-profile', path: `/internal/v1/subject-rights/customers/${ID}/export` },
      ...['loyalty', ...OTHERS].map((upstream) => ({
        upstream,
        path: `/internal/v1/subject-rights/customers/${SURVIVOR}/export`,
      })),
    ]);
    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'customer.export', resourceId: ID, piiUnmasked: true, requestId: 'req-1' }),
      [SURVIVOR],
    );
  });

  it('hands customer-profile’s refusal back as it came and asks no one else', async () => {
    const notFound: UpstreamResponse = {
      status: 404,
      contentType: 'application/problem+json',
      body: { status: 404, title: 'Not found' },
    };
    const { sut, calls, audit } = setUp({
      'customer-profile': async () => notFound,
      loyalty: async () => loyaltySection(),
    });

    const result = await sut.compose(ID, caller);

    expect(result).toEqual(new ExportRefused(notFound));
    expect(calls.map((c) => c.upstream)).toEqual(['customer-profile']);
    expect(audit.record).not.toHaveBeenCalled();
  });

  /** A body that starts a section and then fails, as fetch's stream does when the connection drops or times out. */
  const cutShort = (error: Error) =>
    new Readable({
      read() {
        this.push('{"service":"loyalty","readAt":"2026-12-04T15:00:01.000Z","data":{"loyaltyAccount":');
        this.destroy(error);
      },
    });
  const timeoutError = () =>
    Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

  const failures: Array<[string, () => Promise<UpstreamResponse | OpenedUpstreamResponse>, number, string]> = [
    [
      'is late',
      () => Promise.reject(new ProblemException('timeout', 'loyalty did not answer in time', { upstream: 'loyalty' })),
      504,
      'did not answer in time',
    ],
    [
      'cannot be reached',
      () =>
        Promise.reject(new ProblemException('upstreamUnavailable', 'loyalty is unavailable', { upstream: 'loyalty' })),
      503,
      'loyalty is unavailable',
    ],
    [
      'cuts its section short',
      async () => ({ status: 200, contentType: 'application/json', body: cutShort(new TypeError('terminated')) }),
      503,
      'loyalty is unavailable',
    ],
    [
      'stops sending its section before the timeout',
      async () => ({ status: 200, contentType: 'application/json', body: cutShort(timeoutError()) }),
      504,
      'did not answer in time',
    ],
    [
      'answers a section that is not JSON',
      async () => ({ status: 200, contentType: 'application/json', body: Readable.from(['{"service":"loyalty",']) }),
      503,
      'not a section',
    ],
    [
      'answers 500',
      async () => ({ status: 500, contentType: 'application/problem+json', body: {} }),
      503,
      'loyalty answered 500',
    ],
    [
      'answers a 404 (only customer-profile decides that)',
      async () => ({ status: 404, contentType: 'application/problem+json', body: {} }),
      503,
      'loyalty answered 404',
    ],
    [
      'answers an undeclared section',
      async () => loyaltySection({ ...loyaltyData, tickets: [] }),
      503,
      'undeclared: tickets',
    ],
    [
      'leaves a declared section out',
      async () => loyaltySection({ loyaltyAccount: null }),
      503,
      'missing: pointsLedger',
    ],
    [
      'answers something that is not a section',
      async () => ({ status: 200, contentType: 'application/json', body: [1, 2] }),
      503,
      'not a section',
    ],
  ];

  it.each(failures)(
    'fails the whole export with a problem naming loyalty when it %s',
    async (_what, answer, status, detail) => {
      const { sut, audit } = setUp({ 'customer-profile': async () => profileSection(), loyalty: answer });

      const failure = await sut.compose(ID, caller).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(ProblemException);
      const problem = (failure as ProblemException).toProblem();
      expect(problem).toMatchObject({ status, service: 'loyalty' });
      expect(problem.detail).toContain(detail);
      expect(audit.record).not.toHaveBeenCalled();
    },
  );

  it('fails with a problem naming customer-profile when it is down', async () => {
    const { sut } = setUp({
      'customer-profile': () =>
        Promise.reject(new ProblemException('upstreamUnavailable', 'customer-profile is unavailable')),
      loyalty: async () => loyaltySection(),
    });

    await expect(sut.compose(ID, caller)).rejects.toMatchObject({
      kind: 'unavailable',
      extensions: { service: 'customer-profile' },
    });
  });
});
