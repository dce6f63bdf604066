import { Inject, Injectable } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { GATEWAY_CONFIG, type GatewayConfig } from '../upstream/gateway-config';
import { UpstreamClient, type Upstream } from '../upstream/upstream.client';

export interface MissingPart {
  part: string;
  reason: string;
}

export interface Customer360 {
  customerId: string;
  profile: unknown;
  loyalty: unknown;
  interactions: unknown;
  tickets: unknown;
  followUps: unknown;
  surveys: unknown;
  analytics: unknown;
  /** Parts that could not be had (a service slow, down or not permitted): the answer is partial. */
  missing: MissingPart[];
}

interface PartSource {
  part: Exclude<keyof Customer360, 'customerId' | 'profile' | 'missing'>;
  upstream: Upstream;
  path: (id: string) => string;
  scope: string;
  /** What of the answer the view shows (default: all of it). */
  pick?: (body: unknown) => unknown;
}

const PARTS: PartSource[] = [
  { part: 'loyalty', upstream: 'loyalty', path: (id) => `/internal/v1/members/${id}`, scope: 'loyalty:read' },
  {
    part: 'interactions',
    upstream: 'interaction',
    // The customer's latest contacts (the timeline's first page; summaries masked as in the timeline).
    path: (id) => `/internal/v1/customers/${id}/interactions?limit=10`,
    scope: 'interactions:read',
  },
  {
    part: 'tickets',
    upstream: 'service-desk',
    // The customer's latest tickets the caller may see (row level and masking as in the ticket list).
    path: (id) => `/internal/v1/tickets?customerId=${id}&limit=20`,
    scope: 'tickets:read',
  },
  {
    part: 'followUps',
    upstream: 'interaction',
    // The follow-ups not done yet (open, snoozed, overdue), soonest due first, as the caller may see them.
    path: (id) => `/internal/v1/follow-ups?customerId=${id}&limit=50`,
    scope: 'interactions:read',
    pick: (body) => {
      const items = (body as { items?: Array<{ status?: string }> } | null)?.items ?? [];
      return { items: items.filter((f) => f.status !== 'done') };
    },
  },
  {
    part: 'surveys',
    upstream: 'interaction',
    // The customer's latest survey answers: scores only (their words stay behind the results' masking).
    path: (id) => `/internal/v1/customers/${id}/survey-responses?limit=5`,
    scope: 'surveys:read',
  },
  { part: 'analytics', upstream: 'analytics', path: (id) => `/internal/v1/customers/${id}`, scope: 'analytics:read' },
];

/**
 * The customer 360 view: the profile decides whether the caller may see the customer at all (row
 * level); the other parts are asked in parallel, each with its own timeout, and a part that fails is
 * reported in `missing` instead of failing the whole answer.
 */
@Injectable()
export class Customer360Service {
  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async compose(customerId: string, identity: CallerIdentity, requestId?: string): Promise<Customer360> {
    const timeoutMs = this.config.COMPOSITION_TIMEOUT_MS;
    const ask = (upstream: Upstream, path: string) =>
      this.upstream.call(upstream, 'GET', path, { identity, requestId, timeoutMs });
    const profileCall = ask('customer-profile', `/internal/v1/customers/${customerId}`);
    const partCalls = PARTS.map(async (source): Promise<{ source: PartSource; value?: unknown; reason?: string }> => {
      if (!identity.scopes.includes(source.scope)) return { source, reason: `requires the ${source.scope} scope` };
      try {
        const answer = await ask(source.upstream, source.path(customerId));
        if (answer.status === 200) return { source, value: source.pick ? source.pick(answer.body) : answer.body };
        if (answer.status === 404) return { source, value: null }; // the service does not know the customer (yet)
        return { source, reason: `${source.upstream} answered ${answer.status}` };
      } catch (error) {
        return { source, reason: error instanceof ProblemException ? (error.message ?? error.kind) : 'failed' };
      }
    });

    const profile = await profileCall.catch((error: unknown) => error);
    if (profile instanceof ProblemException) {
      // Without the profile there is no 360: say why (502/504), never 500.
      throw profile;
    }
    if (profile instanceof Error) throw profile;
    const profileAnswer = profile as Awaited<typeof profileCall>;
    if (profileAnswer.status === 404) throw new ProblemException('notFound', `Customer ${customerId} was not found`);
    if (profileAnswer.status !== 200) {
      throw new ProblemException('upstreamUnavailable', `customer-profile answered ${profileAnswer.status}`, {
        upstream: 'customer-profile',
      });
    }

    const view: Customer360 = {
      customerId,
      profile: profileAnswer.body,
      loyalty: null,
      interactions: null,
      tickets: null,
      followUps: null,
      surveys: null,
      analytics: null,
      missing: [],
    };
    for (const result of await Promise.all(partCalls)) {
      if (result.reason) view.missing.push({ part: result.source.part, reason: result.reason });
      else view[result.source.part] = result.value;
    }
    return view;
  }
}
