import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

export class SegmentNotFoundException extends ProblemException {
  constructor(id: string) {
    super('notFound', `Segment ${id} was not found`);
  }
}

/** A malformed definition or body (400), or one that names what does not exist, such as a custom field (422). */
export class InvalidSegmentException extends ProblemException {
  constructor(errors: FieldError[], kind: 'validation' | 'unprocessable' = 'validation') {
    super(kind, errors.map((e) => e.message).join('; '), { errors });
  }
}

export class SegmentNotWritableException extends ProblemException {
  constructor(id: string) {
    super('forbidden', `Segment ${id} can be changed only by its creator, a manager of its team or an admin`);
  }
}

export class StaleSegmentException extends ProblemException {
  constructor(id: string, expected: number, current: number) {
    super('preconditionFailed', `Segment ${id} is at version ${current}, not ${expected}: read it again and reapply the change`, {
      currentVersion: current,
    });
  }
}

export class NotAStaticListException extends ProblemException {
  constructor(id: string) {
    super('conflict', `Segment ${id} is dynamic: its members follow its definition and cannot be added or removed by hand`, {
      errors: [{ field: 'customerIds', message: 'members can be added or removed only on a static list' }],
    });
  }
}

/** A definition sent for a stored static list: the request is well-formed, the segment's kind refuses it (409). */
export class StaticListDefinitionException extends ProblemException {
  constructor(id: string) {
    super('conflict', `Segment ${id} is a static list: its members are added by hand and it takes no definition`, {
      errors: [{ field: 'definition', message: 'definition is not allowed on a static list (its members are added by hand)' }],
    });
  }
}

export class BadSegmentCursorException extends ProblemException {
  constructor() {
    super('validation', 'cursor is not a cursor of this listing', { errors: [{ field: 'cursor', message: 'cursor is not valid for this listing' }] });
  }
}
