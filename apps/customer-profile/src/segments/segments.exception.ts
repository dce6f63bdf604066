import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

/** What can go wrong with a segment; the code travels in the problem+json as `code`. */
export enum SegmentErrorCode {
  NotFound = 'segment-not-found',
  Invalid = 'invalid-segment',
  UnknownReference = 'segment-unknown-reference',
  NotWritable = 'segment-not-writable',
  StaleVersion = 'stale-version',
  NotAStaticList = 'not-a-static-list',
  StaticListDefinition = 'static-list-definition',
  BadCursor = 'bad-cursor',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class SegmentException extends ProblemException {
  constructor(
    readonly code: SegmentErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }
}

function kindOf(code: SegmentErrorCode) {
  switch (code) {
    case SegmentErrorCode.NotFound:
      return 'notFound' as const;
    case SegmentErrorCode.Invalid:
    case SegmentErrorCode.BadCursor:
      return 'validation' as const;
    case SegmentErrorCode.UnknownReference:
      return 'unprocessable' as const;
    case SegmentErrorCode.NotWritable:
      return 'forbidden' as const;
    case SegmentErrorCode.StaleVersion:
      return 'preconditionFailed' as const;
    case SegmentErrorCode.NotAStaticList:
    case SegmentErrorCode.StaticListDefinition:
      return 'conflict' as const;
    default:
      return assertUnreachable(code);
  }
}

// Named constructors of the common cases, so that call sites read as what happened.

export class SegmentNotFoundException extends SegmentException {
  constructor(id: string) {
    super(SegmentErrorCode.NotFound, `Segment ${id} was not found`);
  }
}

/** A malformed definition or body (400), or one that names what does not exist, such as a custom field (422). */
export class InvalidSegmentException extends SegmentException {
  constructor(errors: FieldError[], kind: 'validation' | 'unprocessable' = 'validation') {
    super(
      kind === 'validation' ? SegmentErrorCode.Invalid : SegmentErrorCode.UnknownReference,
      errors.map((e) => e.message).join('; '),
      { errors },
    );
  }
}

export class SegmentNotWritableException extends SegmentException {
  constructor(id: string) {
    super(
      SegmentErrorCode.NotWritable,
      `Segment ${id} can be changed only by its creator, a manager of its team or an admin`,
    );
  }
}

export class StaleSegmentException extends SegmentException {
  constructor(id: string, expected: number, current: number) {
    super(
      SegmentErrorCode.StaleVersion,
      `Segment ${id} is at version ${current}, not ${expected}: read it again and reapply the change`,
      {
        currentVersion: current,
      },
    );
  }
}

export class NotAStaticListException extends SegmentException {
  constructor(id: string) {
    super(
      SegmentErrorCode.NotAStaticList,
      `Segment ${id} is dynamic: its members follow its definition and cannot be added or removed by hand`,
      {
        errors: [{ field: 'customerIds', message: 'members can be added or removed only on a static list' }],
      },
    );
  }
}

/** A definition sent for a stored static list: the request is well-formed, the segment's kind refuses it (409). */
export class StaticListDefinitionException extends SegmentException {
  constructor(id: string) {
    super(
      SegmentErrorCode.StaticListDefinition,
      `Segment ${id} is a static list: its members are added by hand and it takes no definition`,
      {
        errors: [
          {
            field: 'definition',
            message: 'definition is not allowed on a static list (its members are added by hand)',
          },
        ],
      },
    );
  }
}

export class BadSegmentCursorException extends SegmentException {
  constructor() {
    super(SegmentErrorCode.BadCursor, 'cursor is not a cursor of this listing', {
      errors: [{ field: 'cursor', message: 'cursor is not valid for this listing' }],
    });
  }
}
