import { isOpenStatus, surveyFigure } from './activity.rules';

describe('surveyFigure', () => {
  it('prefers the NPS answer, then CSAT, then a rating', () => {
    expect(
      surveyFigure([
        { type: 'rating', value: 3 },
        { type: 'csat', value: 4 },
        { type: 'nps', value: 9 },
      ]),
    ).toEqual({ score: 9, kind: 'nps' });
    expect(
      surveyFigure([
        { type: 'rating', value: 3 },
        { type: 'csat', value: 2 },
      ]),
    ).toEqual({ score: 2, kind: 'csat' });
    expect(surveyFigure([{ type: 'rating', value: 7 }])).toEqual({ score: 7, kind: 'rating' });
  });

  it('takes the first answer of a kind asked twice, and nothing from a response without scores', () => {
    expect(
      surveyFigure([
        { type: 'nps', value: 0 },
        { type: 'nps', value: 10 },
      ]),
    ).toEqual({ score: 0, kind: 'nps' });
    expect(surveyFigure([])).toBeNull();
  });
});

describe('isOpenStatus', () => {
  it('is open until resolved or closed, and open again when reopened', () => {
    expect(isOpenStatus('received')).toBe(true);
    expect(isOpenStatus('pending-customer')).toBe(true);
    expect(isOpenStatus('reopened')).toBe(true);
    expect(isOpenStatus('resolved')).toBe(false);
    expect(isOpenStatus('closed')).toBe(false);
  });
});
