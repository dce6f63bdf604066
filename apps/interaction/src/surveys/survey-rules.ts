import { CSAT_SCALE, NPS_SCALE, type SurveyQuestionType } from '@rapport/contracts';

/** A survey's question as stored and shown: its scale resolved (null for choice and text). */
export interface SurveyQuestion {
  id: string;
  type: SurveyQuestionType;
  text: string;
  options: string[] | null;
  min: number | null;
  max: number | null;
  required: boolean;
}

export interface QuestionInput {
  id: string;
  type: SurveyQuestionType;
  text: string;
  options?: string[] | undefined;
  max?: number | undefined;
  required?: boolean | undefined;
}

export interface AnswerInput {
  questionId: string;
  score?: number | undefined;
  choices?: string[] | undefined;
  text?: string | undefined;
}

/** An answer as stored: one of its three kinds set. */
export interface Answer {
  questionId: string;
  score: number | null;
  choices: string[] | null;
  text: string | null;
}

export interface Issue {
  field: string;
  message: string;
}

const SCORED: ReadonlySet<SurveyQuestionType> = new Set(['nps', 'csat', 'rating']);
const CHOICE: ReadonlySet<SurveyQuestionType> = new Set(['single', 'multiple']);

export const isScored = (type: SurveyQuestionType): boolean => SCORED.has(type);

/**
 * A survey's questions checked across fields (what the document cannot state) and resolved: ids unique,
 * options on choice questions only and always, a max on ratings only. Issues name the field.
 */
export function resolveQuestions(inputs: readonly QuestionInput[]): { questions: SurveyQuestion[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const questions = inputs.map((q, i): SurveyQuestion => {
    const at = `questions[${i}]`;
    if (seen.has(q.id)) issues.push({ field: `${at}.id`, message: `a second question with id ${q.id}` });
    seen.add(q.id);
    if (CHOICE.has(q.type) && !q.options)
      issues.push({ field: `${at}.options`, message: `a ${q.type} question needs options` });
    if (!CHOICE.has(q.type) && q.options)
      issues.push({ field: `${at}.options`, message: `a ${q.type} question takes no options` });
    if (q.max !== undefined && q.type !== 'rating')
      issues.push({ field: `${at}.max`, message: `max is for rating questions; ${q.type} has a fixed scale` });
    const scale =
      q.type === 'nps'
        ? NPS_SCALE
        : q.type === 'csat'
          ? CSAT_SCALE
          : q.type === 'rating'
            ? { min: 1, max: q.max ?? 5 }
            : null;
    return {
      id: q.id,
      type: q.type,
      text: q.text,
      options: CHOICE.has(q.type) ? (q.options ?? []) : null,
      min: scale?.min ?? null,
      max: scale?.max ?? null,
      required: q.required ?? true,
    };
  });
  return { questions, issues };
}

/**
 * A response checked against the survey: every answer to a question of the survey, once, of the
 * question's kind (a score on its scale, one choice or several of its options, a text), and every
 * required question answered. Fractional scores never get here (the document requires integers).
 */
export function checkAnswers(
  questions: readonly SurveyQuestion[],
  inputs: readonly AnswerInput[],
): { answers: Answer[]; issues: Issue[] } {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const issues: Issue[] = [];
  const answered = new Set<string>();
  const answers: Answer[] = [];
  inputs.forEach((input, i) => {
    const at = `answers[${i}]`;
    const question = byId.get(input.questionId);
    if (!question)
      return issues.push({ field: `${at}.questionId`, message: `no question ${input.questionId} in this survey` });
    if (answered.has(question.id))
      return issues.push({ field: `${at}.questionId`, message: `question ${question.id} answered twice` });
    answered.add(question.id);
    const given = (['score', 'choices', 'text'] as const).filter((k) => input[k] !== undefined);
    const expected = isScored(question.type) ? 'score' : CHOICE.has(question.type) ? 'choices' : 'text';
    if (given.length !== 1 || given[0] !== expected)
      return issues.push({
        field: `${at}.${expected}`,
        message: `a ${question.type} question is answered with ${expected} only`,
      });
    if (expected === 'score' && (input.score! < question.min! || input.score! > question.max!))
      return issues.push({ field: `${at}.score`, message: `must be from ${question.min} to ${question.max}` });
    if (expected === 'choices') {
      if (question.type === 'single' && input.choices!.length !== 1)
        return issues.push({ field: `${at}.choices`, message: 'a single-choice question takes exactly one choice' });
      const foreign = input.choices!.filter((c) => !question.options!.includes(c));
      if (foreign.length > 0)
        return issues.push({ field: `${at}.choices`, message: `not an option: ${foreign.join(', ')}` });
    }
    answers.push({
      questionId: question.id,
      score: input.score ?? null,
      choices: input.choices ?? null,
      text: input.text ?? null,
    });
    return undefined;
  });
  questions.forEach((q) => {
    if (q.required && !answered.has(q.id)) issues.push({ field: 'answers', message: `question ${q.id} is required` });
  });
  return { answers, issues };
}
