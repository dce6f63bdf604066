import { checkAnswers, resolveQuestions } from './survey-rules';

describe('survey rules', () => {
  const { questions } = resolveQuestions([
    { id: 'recommend', type: 'nps', text: 'Recommend us?' },
    { id: 'stars', type: 'rating', text: 'Stars?', max: 3, required: false },
    { id: 'why', type: 'single', text: 'Why?', options: ['price', 'quality'] },
    { id: 'what', type: 'multiple', text: 'What?', options: ['tea', 'cups', 'gifts'], required: false },
    { id: 'words', type: 'text', text: 'Anything else?', required: false },
  ]);

  it('resolves each question’s scale and refuses options or max where they do not belong, naming the field', () => {
    expect(questions.map((q) => [q.id, q.min, q.max])).toEqual([
      ['recommend', 0, 10],
      ['stars', 1, 3],
      ['why', null, null],
      ['what', null, null],
      ['words', null, null],
    ]);
    const { issues } = resolveQuestions([
      { id: 'a', type: 'single', text: 'x' },
      { id: 'a', type: 'nps', text: 'y', options: ['1', '2'], max: 4 },
    ]);
    expect(issues.map((i) => i.field)).toEqual([
      'questions[0].options',
      'questions[1].id',
      'questions[1].options',
      'questions[1].max',
    ]);
  });

  it('takes answers of the question’s kind and scale', () => {
    const { answers, issues } = checkAnswers(questions, [
      { questionId: 'recommend', score: 0 },
      { questionId: 'why', choices: ['quality'] },
      { questionId: 'what', choices: ['tea', 'gifts'] },
      { questionId: 'words', text: '好喝' },
    ]);
    expect(issues).toEqual([]);
    expect(answers).toHaveLength(4);
  });

  it('refuses an unknown question, a second answer, the wrong kind, a score off the scale, a foreign choice and a missing required one', () => {
    const { issues } = checkAnswers(questions, [
      { questionId: 'nope', score: 1 },
      { questionId: 'stars', score: 4 },
      { questionId: 'stars', score: 1 },
      { questionId: 'why', choices: ['price', 'quality'] },
      { questionId: 'what', choices: ['spoons'] },
      { questionId: 'words', score: 3 },
    ]);
    expect(issues.map((i) => i.field)).toEqual([
      'answers[0].questionId',
      'answers[1].score',
      'answers[2].questionId',
      'answers[3].choices',
      'answers[4].choices',
      'answers[5].text',
      'answers',
    ]);
  });
});
