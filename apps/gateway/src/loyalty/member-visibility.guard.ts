import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ProblemException } from '@rapport/platform-http';
import type { Request } from 'express';
import { UpstreamClient } from '../upstream/upstream.client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The row-level rule for member routes (`…/members/{customerId}/…`): loyalty does not know who owns
 * a customer, customer-profile does. Before a member route is forwarded, the gateway asks
 * customer-profile for the customer as the caller; a customer the caller may not see is 404 here too
 * (another team's customer is not even confirmed to exist), exactly as on the customer routes.
 */
@Injectable()
export class MemberVisibilityGuard implements CanActivate {
  constructor(private readonly upstream: UpstreamClient) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const customerId = request.params['customerId'];
    if (typeof customerId !== 'string') return true;
    // No member in the path (catalogue, admin routes), or not an id: the route's own validation answers.
    if (!UUID.test(customerId)) return true;
    const answer = await this.upstream.call('customer-profile', 'GET', `/internal/v1/customers/${customerId}`, {
      identity: request.identity!,
      ...(request.requestId ? { requestId: request.requestId } : {}),
    });
    if (answer.status === 404) throw new ProblemException('notFound', `Customer ${customerId} was not found`);
    // 200, or a redirect to the survivor of a merge: the caller may see the customer.
    if (answer.status >= 400) {
      throw new ProblemException('upstreamUnavailable', `customer-profile answered ${answer.status}`, {
        upstream: 'customer-profile',
      });
    }
    return true;
  }
}
