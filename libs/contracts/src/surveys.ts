/** The values of interaction's surveys, shared by its API, its events and the service. */
export const SURVEY_QUESTION_TYPES = ['nps', 'csat', 'rating', 'single', 'multiple', 'text'] as const;
export type SurveyQuestionType = (typeof SURVEY_QUESTION_TYPES)[number];
/** The buckets of a results trend. */
export const SURVEY_RESULT_INTERVALS = ['week', 'month'] as const;
export type SurveyResultInterval = (typeof SURVEY_RESULT_INTERVALS)[number];
/** A question's id within its survey: it is how answers name it. */
export const SURVEY_QUESTION_ID_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
/** The scale of each scored type: NPS 0–10, CSAT 1–5, a rating 1 to its max (2–10, default 5). */
export const NPS_SCALE = { min: 0, max: 10 } as const;
export const CSAT_SCALE = { min: 1, max: 5 } as const;
