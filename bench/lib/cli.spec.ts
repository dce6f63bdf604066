import { ascendingInts, benchArgs, int, optional, positive, profile, someOf, text } from './cli';
import { percentile } from './stats';

describe('the benchmarks’ command line', () => {
  const spec = {
    events: int(20_000),
    warmup: int(500, { min: 0 }),
    maxMinutes: int(4_800),
    rate: positive(300),
    sizes: ascendingInts([10_000, 1_000_000], { min: 100 }),
    source: someOf<'api' | 'import' | 'kafka'>(['import', 'kafka'], ['api', 'import', 'kafka']),
    profile: profile(),
    chunkRows: optional(int(1)),
    nodeOptions: text(''),
  };
  let exit: jest.SpyInstance;
  let errors: jest.SpyInstance;
  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('gives the defaults without arguments, and the values given in either form', () => {
    expect(benchArgs('usage', spec, [], [])).toEqual({
      events: 20_000,
      warmup: 500,
      maxMinutes: 4_800,
      rate: 300,
      sizes: [10_000, 1_000_000],
      source: ['import', 'kafka'],
      profile: 'bench',
      chunkRows: undefined,
      nodeOptions: '',
    });
    expect(
      benchArgs(
        'usage',
        spec,
        ['cpuProf'],
        [
          '--',
          '--cpu-prof',
          '--node-options=--max-semi-space-size=8',
          '--events',
          '10',
          '--warmup=0',
          '--max-minutes',
          '60',
          '--rate',
          '2.5',
          '--sizes',
          '100,1000',
          '--source',
          'api',
          '--profile',
          'test3',
          '--chunk-rows',
          '5000',
        ],
      ),
    ).toEqual({
      events: 10,
      warmup: 0,
      maxMinutes: 60,
      rate: 2.5,
      sizes: [100, 1000],
      source: ['api'],
      profile: 'test3',
      chunkRows: 5000,
      nodeOptions: '--max-semi-space-size=8',
      cpuProf: true,
    });
  });

  it.each([
    [['--events', '0']],
    [['--events', '1.5']],
    [['--events', '']],
    [['--warmup', '-1']],
    [['--rate', '0']],
    [['--sizes', '1000,100']],
    [['--source', 'mail']],
    [['--profile', 'prod']],
    [['--nope', '1']],
    [['--events']],
  ])('refuses %j with the usage and exit code 2', (argv) => {
    expect(() => benchArgs('the usage', spec, [], argv)).toThrow('exit 2');
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('the usage'));
    expect(exit).toHaveBeenCalledWith(2);
  });
});

describe('percentile', () => {
  it('is the nearest rank: the smallest value with at least p % of the values at or below it', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 99)).toBe(0);
  });
});
