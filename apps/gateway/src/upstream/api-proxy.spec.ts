import type { CallerIdentity } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import type { AuditService } from '../audit/audit.service';
import { SubjectIds } from '../audit/subject-ids';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiProxy, itemIds, type AuditPolicy } from './api-proxy';
import type { UpstreamClient, UpstreamResponse } from './upstream.client';

const A = '7b0c1f7e-3f59-4a4e-9d55-0c8a2c1d5e01';
const B = '0e2f5d43-6a35-4c1e-8f42-44d2b0b1c9aa';
const page: UpstreamResponse = {
  status: 200,
  contentType: 'application/json',
  body: { items: [{ id: A, name: '张伟' }, { id: B }], nextCursor: null },
};
const LIST: AuditPolicy = { action: 'customer.list', resourceType: 'customer', change: false, subjects: itemIds };

describe(ApiProxy.name, () => {
  function setUp(answer: UpstreamResponse) {
    const audit = { record: jest.fn(async (..._args: unknown[]) => 1) };
    const proxy = new ApiProxy(
      { call: jest.fn(async () => answer) } as unknown as UpstreamClient,
      {} as IdempotencyService,
      audit as unknown as AuditService,
    );
    const forward = (identity: CallerIdentity, policy: AuditPolicy, method: 'GET' | 'PUT' = 'GET') =>
      proxy.forward(
        {
          identity,
          requestId: 'req-1',
          header: (name: string) => (name === 'traceparent' ? `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` : undefined),
        } as unknown as Request,
        {
          status: () => ({ type: () => undefined }),
          setHeader: () => undefined,
          send: () => undefined,
        } as never as Response,
        { upstream: 'customer-profile', method, path: '/x', audit: policy },
      );
    return { audit, forward };
  }
  const agent: CallerIdentity = { sub: 'agent1', clientId: 'rapport-cli', roles: ['agent'], scopes: ['pii:read'] };
  const analyst: CallerIdentity = { sub: 'analyst', roles: ['analyst'], scopes: ['customers:read'] };

  it('records an unmasked list read with the customers it handed out, the client and the trace', async () => {
    const { audit, forward } = setUp(page);
    await forward(agent, LIST);
    expect(audit.record).toHaveBeenCalledTimes(1);
    const [entry, subjects] = audit.record.mock.calls[0]!;
    expect(entry).toEqual({
      actor: 'agent1',
      clientId: 'rapport-cli',
      roles: ['agent'],
      action: 'customer.list',
      resourceType: 'customer',
      piiUnmasked: true,
      status: 200,
      traceId: 'ab'.repeat(16),
      requestId: 'req-1',
    });
    expect([...SubjectIds.of(subjects as Iterable<unknown>).batches(10)].flat()).toEqual([A, B]);
  });

  it('records no read for a caller who got it masked', async () => {
    const { audit, forward } = setUp(page);
    await forward(analyst, LIST);
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('records every change, without claiming personal data for a resource that holds none', async () => {
    const { audit, forward } = setUp({ status: 200, contentType: 'application/json', body: { team: 'north' } });
    await forward(
      agent,
      { action: 'team.members.replace', resourceType: 'team', change: true, resourceId: () => 'north' },
      'PUT',
    );
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'team.members.replace', resourceId: 'north', piiUnmasked: false }),
      undefined,
    );
  });

  it('records nothing for a refused call', async () => {
    const { audit, forward } = setUp({ status: 403, contentType: 'application/problem+json', body: {} });
    await forward(agent, { action: 'segment.create', resourceType: 'segment', change: true });
    expect(audit.record).not.toHaveBeenCalled();
  });
});
