import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  CustomerRecommendationsView,
  RecommendationBuildView,
  RecommendationEvaluationView,
} from '@rapport/contracts';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import { RECOMMENDATIONS_CONFIG, type RecommendationsConfig } from './recommendations.config';
import { RecommendationsErrorCode, RecommendationsException } from './recommendations.exception';
import { reasonText } from './recommendations.model';
import { RecommendationsRepository, type BuildRecord } from './recommendations.repository';
import { StepTimer } from '../shared/step-timer';

export type BuildOutcome =
  { built: true; build: BuildRecord } | { built: false; reason: 'another replica is building' | 'not due' };

/** The evaluation's split, said in the answer so that nobody has to guess it. */
const SPLIT =
  "each customer's last basket held out (customers with at least two baskets); model and baseline trained on every other basket";
/** How many of the SKUs that drove a recommendation its reason names. */
const REASON_SKUS = 3;

const round = (value: number, places = 6) => Math.round(value * 10 ** places) / 10 ** places;

@Injectable()
export class RecommendationsService {
  constructor(
    private readonly repository: RecommendationsRepository,
    private readonly dataSource: DataSource,
    @Inject(RECOMMENDATIONS_CONFIG) private readonly config: RecommendationsConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * One model build in one transaction: the co-occurrence model over every basket, the popularity
   * list, and the self-evaluation on the time-based split, then the build's figures; older builds'
   * neighbours go. Happens once across replicas (the build's advisory lock); a scheduled build only
   * when due (none yet, the last one an interval ago, or the last saw no basket and there are some now).
   */
  async build(trigger: 'schedule' | 'request', now: Date, id: string = randomUUID()): Promise<BuildOutcome> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.tryLockBuild(manager)))
        return { built: false, reason: 'another replica is building' };
      if (trigger === 'schedule') {
        const last = await this.repository.latestBuild(manager);
        const due =
          !last ||
          now.getTime() - last.startedAt.getTime() >= this.config.ANALYTICS_RECOMMENDATIONS_INTERVAL_MS ||
          (last.baskets === 0 && (await this.repository.anyBasket(manager)));
        if (!due) return { built: false, reason: 'not due' };
      }
      const settings = {
        neighbours: this.config.ANALYTICS_RECOMMENDATIONS_NEIGHBOURS,
        minCoCount: this.config.ANALYTICS_RECOMMENDATIONS_MIN_CO_COUNT,
        k: this.config.ANALYTICS_RECOMMENDATIONS_EVAL_K,
        evalCustomers: this.config.ANALYTICS_RECOMMENDATIONS_EVAL_CUSTOMERS || null,
      };
      const started = Date.now();
      await this.repository.tuneForBuild(manager);
      const { baskets, skus } = await this.repository.stageBaskets(manager, settings.evalCustomers);
      // The build's row first: the neighbours point at it. Its figures are filled in below.
      const build: BuildRecord = {
        id,
        trigger,
        startedAt: now,
        finishedAt: now,
        baskets,
        skus,
        pairs: 0,
        neighbours: 0,
        settings,
        timings: {},
        evaluation: {
          k: settings.k,
          customersEligible: 0,
          customersWithHoldout: 0,
          customersEvaluated: 0,
          customersSkipped: 0,
          trainingBaskets: 0,
          model: { hits: 0, hitRate: 0, ndcg: 0 },
          baseline: { hits: 0, hitRate: 0, ndcg: 0 },
        },
      };
      await this.repository.recordBuild(manager, build);
      const steps = new StepTimer();
      const timings = steps.timings;
      timings['stageBaskets'] = Date.now() - started;
      await steps.time('countPairs', () => this.repository.countPairs(manager));
      const model = await steps.time('model', () =>
        this.repository.buildNeighbours(manager, { buildId: id }, settings),
      );
      await steps.time('popularity', () => this.repository.savePopularity(manager, id));
      await steps.time('trainingModel', () => this.repository.buildNeighbours(manager, { training: true }, settings));
      const evaluation = await steps.time('evaluation', () => this.repository.evaluate(manager, settings.k));
      const finished: BuildRecord = {
        ...build,
        finishedAt: new Date(now.getTime() + (Date.now() - started)),
        pairs: model.pairs,
        neighbours: model.kept,
        evaluation,
        timings,
      };
      await this.repository.finishBuild(manager, finished);
      await this.repository.dropOlderModels(manager, id);
      return { built: true, build: finished };
    });
  }

  /**
   * A build on request: answers its figures when it finishes within ANALYTICS_RECOMMENDATIONS_BUILD_WAIT_MS,
   * otherwise that it is running (it goes on; the evaluation route shows it once done). 409 while
   * another build runs.
   */
  async requestBuild(now: Date): Promise<RecommendationBuildView> {
    const id = randomUUID();
    const running = this.build('request', now, id);
    const waited = await Promise.race([
      running,
      new Promise<'waiting'>((resolve) =>
        setTimeout(() => resolve('waiting'), this.config.ANALYTICS_RECOMMENDATIONS_BUILD_WAIT_MS).unref(),
      ),
    ]);
    if (waited === 'waiting') {
      running.then(
        (outcome) => this.log.info({ buildId: id, built: outcome.built }, 'recommendation build finished'),
        (error: unknown) => this.log.warn({ err: error, buildId: id }, 'recommendation build failed'),
      );
      return { buildId: id, status: 'running', trigger: 'request', startedAt: now.toISOString() };
    }
    if (!waited.built)
      throw new RecommendationsException(
        RecommendationsErrorCode.BuildInProgress,
        'A recommendation model build is running already; its figures will be at GET …/recommendations/evaluation',
      );
    return buildView(waited.build);
  }

  async evaluation(): Promise<RecommendationEvaluationView> {
    const build = await this.repository.latestBuild(null);
    if (!build)
      throw new RecommendationsException(
        RecommendationsErrorCode.NoBuild,
        'No recommendation model has been built yet: POST /api/v1/analytics/recommendations/builds, or wait for the schedule',
      );
    return evaluationView(build);
  }

  /**
   * A customer's recommendations from the latest build's neighbours and what they bought up to now.
   * No purchases, or nothing bought with what they bought: the most bought SKUs, saying so. A customer
   * analytics has never heard of is a 404 (a mistyped id should not look like a cold start).
   */
  async forCustomer(
    customerId: string,
    options: { k: number; excludePurchased: boolean },
  ): Promise<CustomerRecommendationsView> {
    if (!(await this.repository.customerKnown(customerId)))
      throw new RecommendationsException(
        RecommendationsErrorCode.CustomerNotFound,
        `Analytics knows no customer ${customerId}`,
      );
    const build = await this.repository.latestBuild(null);
    if (!build)
      throw new RecommendationsException(
        RecommendationsErrorCode.ModelNotBuilt,
        'No recommendation model has been built yet: POST /api/v1/analytics/recommendations/builds, or wait for the schedule',
      );
    const history = await this.repository.customerHistory(customerId);
    const common = {
      customerId,
      k: options.k,
      excludePurchased: options.excludePurchased,
      baskets: history.baskets,
      purchasedSkus: [...history.skus].sort(),
      model: { buildId: build.id, builtAt: build.finishedAt.toISOString(), baskets: build.baskets },
    };
    const scored =
      history.skus.length > 0 ? await this.repository.scoreNeighbours(build.id, history.skus, options) : [];
    if (scored.length > 0)
      return {
        ...common,
        basis: 'co-occurrence',
        items: scored.map((s) => ({
          sku: s.sku,
          score: round(s.score),
          reason:
            reasonText(s.because.slice(0, REASON_SKUS)) +
            (s.because.length > REASON_SKUS ? ` and ${s.because.length - REASON_SKUS} more` : ''),
          because: s.because.map((b) => ({ sku: b.sku, baskets: b.baskets, cosine: round(b.cosine) })),
        })),
      };
    const popular = await this.repository.popular(build.id, history.skus, options);
    return {
      ...common,
      basis: 'popularity',
      note:
        history.baskets === 0
          ? 'No purchases on record (fully refunded ones do not count): the most bought SKUs'
          : 'Nothing new is bought together with what the customer bought: the most bought SKUs',
      items: popular.map((p) => ({
        sku: p.sku,
        score: p.baskets,
        reason: `popular: in ${p.baskets} of ${build.baskets} baskets`,
        because: [],
      })),
    };
  }
}

function evaluationView(build: BuildRecord): RecommendationEvaluationView {
  const e = build.evaluation;
  const metrics = (m: typeof e.model) => ({ hitRate: round(m.hitRate), ndcg: round(m.ndcg), hits: m.hits });
  return {
    buildId: build.id,
    builtAt: build.finishedAt.toISOString(),
    k: e.k,
    customersEligible: e.customersEligible,
    customersWithHoldout: e.customersWithHoldout,
    customersEvaluated: e.customersEvaluated,
    customersSkipped: e.customersSkipped,
    trainingBaskets: e.trainingBaskets,
    model: metrics(e.model),
    baseline: metrics(e.baseline),
    split: SPLIT,
  };
}

function buildView(build: BuildRecord): RecommendationBuildView {
  return {
    buildId: build.id,
    status: 'finished',
    trigger: build.trigger,
    startedAt: build.startedAt.toISOString(),
    finishedAt: build.finishedAt.toISOString(),
    durationMs: build.finishedAt.getTime() - build.startedAt.getTime(),
    baskets: build.baskets,
    skus: build.skus,
    pairs: build.pairs,
    neighboursKept: build.neighbours,
    settings: build.settings,
    stepsMs: build.timings,
    evaluation: evaluationView(build),
  };
}
