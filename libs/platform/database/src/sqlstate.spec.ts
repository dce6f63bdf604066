import { isDatabaseBusy, isTransientDatabaseError } from './sqlstate';

const pgError = (code: string) => Object.assign(new Error(`pg error ${code}`), { code });

describe('SQLSTATE classification', () => {
  it.each(['40001', '40P01', '53300', '55P03', '57P03'])('treats %s as busy, and so as transient', (code) => {
    expect(isDatabaseBusy(pgError(code))).toBe(true);
    expect(isTransientDatabaseError(pgError(code))).toBe(true);
  });

  it('treats a pool that gave no connection in time as busy', () => {
    expect(isDatabaseBusy(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it.each(['08006', '57P01', 'ECONNRESET'])(
    'retries a lost connection (%s) in a consumer, but it is not "busy" for HTTP',
    (code) => {
      expect(isTransientDatabaseError(pgError(code))).toBe(true);
      expect(isDatabaseBusy(pgError(code))).toBe(false);
    },
  );

  it.each(['23505', '22P02', '42P01'])('treats %s (a broken statement or data) as neither', (code) => {
    expect(isDatabaseBusy(pgError(code))).toBe(false);
    expect(isTransientDatabaseError(pgError(code))).toBe(false);
  });
});
