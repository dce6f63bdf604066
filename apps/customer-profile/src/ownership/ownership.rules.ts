import { OwnershipErrorCode } from './ownership.exception';

export interface OwnedCustomer {
  ownerId: string | null;
  team: string | null;
}

export type OwnershipDecision =
  | { ok: true; change: 'assigned' | 'transferred' | 'claimed' | 'released' }
  | { ok: false; code: OwnershipErrorCode; message: string; field?: string };

/** Who may move a customer where. Pure, so every branch is a unit test. */
export class OwnershipRules {
  /** Whether the caller may assign owners in `team` at all (by hand or by rule); null: yes. */
  mayAssignIn(caller: { roles: readonly string[]; team?: string }, team: string): OwnershipDecision | null {
    const admin = caller.roles.includes('admin');
    if (!admin && !caller.roles.includes('manager'))
      return { ok: false, code: OwnershipErrorCode.NotAllowed, message: 'only a manager or an admin assigns owners' };
    if (!admin && team !== caller.team) {
      return {
        ok: false,
        code: OwnershipErrorCode.NotAllowed,
        field: 'team',
        message: 'a manager assigns within their own team',
      };
    }
    return null;
  }

  assign(
    customer: OwnedCustomer,
    caller: { roles: readonly string[]; team?: string },
    target: { ownerId: string; team: string },
  ): OwnershipDecision {
    const refused = this.mayAssignIn(caller, target.team);
    if (refused) return refused;
    if (customer.ownerId === target.ownerId && customer.team === target.team) {
      return {
        ok: false,
        code: OwnershipErrorCode.AlreadyOwner,
        field: 'ownerId',
        message: 'the customer already has this owner',
      };
    }
    return { ok: true, change: customer.ownerId === null ? 'assigned' : 'transferred' };
  }

  release(customer: OwnedCustomer, caller: { sub: string; roles: readonly string[] }): OwnershipDecision {
    if (customer.ownerId === null)
      return {
        ok: false,
        code: OwnershipErrorCode.AlreadyInPool,
        message: 'the customer is already in the public pool',
      };
    const mayRelease =
      customer.ownerId === caller.sub || caller.roles.includes('admin') || caller.roles.includes('manager');
    if (!mayRelease)
      return {
        ok: false,
        code: OwnershipErrorCode.NotAllowed,
        message: 'only the owner (or a manager) releases a customer to the pool',
      };
    return { ok: true, change: 'released' };
  }

  claim(
    customer: OwnedCustomer,
    caller: { roles: readonly string[] },
    holding: number,
    cap: number,
  ): OwnershipDecision {
    if (caller.roles.includes('integration'))
      return { ok: false, code: OwnershipErrorCode.NotAllowed, message: 'only people claim customers from the pool' };
    if (customer.ownerId !== null)
      return { ok: false, code: OwnershipErrorCode.NotInPool, message: 'the customer is not in the public pool' };
    if (holding >= cap) {
      return {
        ok: false,
        code: OwnershipErrorCode.HoldingCapReached,
        message: `you already hold ${holding} customers; the holding cap is ${cap}`,
      };
    }
    return { ok: true, change: 'claimed' };
  }
}
