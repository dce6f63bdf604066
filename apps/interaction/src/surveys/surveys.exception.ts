import { assertUnreachable, ProblemException } from '@rapport/platform-http';
import type { Issue } from './survey-rules';

/** What can stop a survey request; the code travels in the problem+json as `code`. */
export enum SurveysErrorCode {
  SurveyNotFound = 'survey-not-found',
  InvalidSurvey = 'invalid-survey',
  InvalidResponse = 'invalid-response',
  LinkInvalid = 'survey-link-invalid',
  AlreadyAnswered = 'survey-already-answered',
  WindowInvalid = 'window-invalid',
}

export class SurveysException extends ProblemException {
  constructor(
    readonly code: SurveysErrorCode,
    detail: string,
    issues: readonly Issue[] = [],
  ) {
    super(kindOf(code), detail, { code, ...(issues.length > 0 ? { errors: [...issues] } : {}) });
  }
}

function kindOf(code: SurveysErrorCode) {
  switch (code) {
    case SurveysErrorCode.SurveyNotFound:
      return 'notFound' as const;
    // well-formed requests the document cannot rule out: 422
    case SurveysErrorCode.InvalidSurvey:
    case SurveysErrorCode.InvalidResponse:
    case SurveysErrorCode.WindowInvalid:
      return 'unprocessable' as const;
    case SurveysErrorCode.LinkInvalid:
      return 'forbidden' as const;
    case SurveysErrorCode.AlreadyAnswered:
      return 'conflict' as const;
    default:
      return assertUnreachable(code);
  }
}
