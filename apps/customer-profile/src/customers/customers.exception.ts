import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

export class CustomerNotFoundException extends ProblemException {
  constructor(id: string) {
    super('notFound', `Customer ${id} was not found`);
  }
}

export class InvalidCustomerException extends ProblemException {
  constructor(errors: FieldError[]) {
    super('validation', errors.map((e) => e.message).join('; '), { errors });
  }
}

export class IdentifierTakenException extends ProblemException {
  constructor(taken: readonly { type: string; value: string }[]) {
    super('conflict', `identifiers: ${taken.map((t) => t.type).join(', ')} already belong to another customer`, {
      errors: taken.map((t) => ({ field: 'identifiers', message: `identifier ${t.type} is already held by another customer` })),
    });
  }
}

export class StaleVersionException extends ProblemException {
  constructor(id: string, expected: number, current: number) {
    super('preconditionFailed', `Customer ${id} is at version ${current}, not ${expected}: read it again and reapply the change`, {
      currentVersion: current,
    });
  }
}

export class BadCursorException extends ProblemException {
  constructor() {
    super('validation', 'cursor is not a cursor of this listing', { errors: [{ field: 'cursor', message: 'cursor is not valid for this sort' }] });
  }
}

export class LikelyDuplicateException extends ProblemException {
  constructor(candidates: readonly { id: string; matchedOn: string[]; score: number }[]) {
    const fields = [...new Set(candidates.flatMap((c) => c.matchedOn).filter((m) => m !== 'name'))];
    super('conflict', `Likely a duplicate of ${candidates.map((c) => c.id).join(', ')}; repeat with ?force=true to create it anyway`, {
      candidates,
      errors: fields.map((field) => ({ field: field === 'identifier' ? 'identifiers' : field, message: `${field} matches an existing customer` })),
    });
  }
}

export class AlreadyMergedException extends ProblemException {
  constructor(sourceId: string, survivorId: string) {
    super('conflict', `Customer ${sourceId} was already merged into ${survivorId}`, {
      errors: [{ field: 'sourceId', message: `sourceId was already merged into ${survivorId}` }],
    });
  }
}
