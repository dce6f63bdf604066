/**
 * What a rebuild does with each table of schema `analytics`. A feature that adds a table registers
 * it here in one line, in the list that says what it is (the rebuild conformance spec fails on a
 * table of the schema that is in no list):
 *
 * - `projections`: filled only by event handlers from the topics. A rebuild empties them (with the
 *   inbox) and the replay fills them again, exactly as continuous consumption did.
 * - `derived`: the feature's own outputs computed from its projections (scoring runs, fitted models,
 *   forecasts). A rebuild empties them too, and the feature's next run recomputes them from the
 *   rebuilt projections (see RebuildsService.followUps for the runs started as soon as a rebuild ends).
 * - `kept`: configuration or history that no event gives back (settings made through the API). A
 *   rebuild leaves them as they are.
 */
export interface ReadModelRegistration {
  readonly feature: string;
  readonly projections: readonly string[];
  readonly derived: readonly string[];
  readonly kept?: readonly string[];
}

export const READ_MODELS: readonly ReadModelRegistration[] = [
  { feature: 'customer-facts', projections: ['customer_facts'], derived: [] },
  { feature: 'subject-rights', projections: ['merged_customers', 'erased_customers'], derived: [] },
  { feature: 'purchase-ledger', projections: ['purchases', 'purchase_lines', 'purchase_refunds'], derived: [] },
  { feature: 'rfm', projections: ['customer_value_facts'], derived: ['customer_scores', 'scoring_runs'] },
  // risks are reassessed with every rescore and by the full run that follows a rebuild
  { feature: 'churn', projections: [], derived: ['churn_risks'] },
  // fits an analyst asked for, each on the ledger up to its calibration end, which a rebuild gives back unchanged
  { feature: 'clv', projections: [], derived: [], kept: ['clv_fits'] },
  // each forecast as it was answered then (GET /forecasts/{id} shows what was decided)
  { feature: 'forecasts', projections: [], derived: [], kept: ['forecasts'] },
  // the model and its evaluation are rebuilt from the rebuilt ledger right after (RebuildsService.followUps)
  {
    feature: 'recommendations',
    projections: [],
    derived: ['recommendation_builds', 'recommendation_neighbours', 'recommendation_popularity'],
  },
  {
    feature: 'activity',
    projections: [
      'customer_activity',
      'interaction_facts',
      'follow_up_facts',
      'ticket_facts',
      'csat_ratings',
      'survey_scores',
      'points_movements',
      'lifecycle_changes',
    ],
    derived: [],
  },
];

/** The platform's tables in the schema and what a rebuild does with them. */
export const PLATFORM_TABLES = {
  /** Emptied with the projections: every event is applied once more, once. */
  inbox: 'emptied',
  /** Kept: events analytics published stay published (the relay sends each row once). */
  outbox: 'kept',
  /** Kept: the schema's migration history. */
  migrations: 'kept',
  /** Kept: the rebuilds themselves. */
  rebuilds: 'kept',
} as const;

/** The tables a rebuild empties, in one TRUNCATE: projections, derived outputs and the inbox. */
export function tablesToEmpty(registry: readonly ReadModelRegistration[] = READ_MODELS): string[] {
  const tables = registry.flatMap((r) => [...r.projections, ...r.derived]);
  return [...new Set([...tables, 'inbox'])].sort();
}

/** Every table some list accounts for (registered or the platform's). */
export function accountedTables(registry: readonly ReadModelRegistration[] = READ_MODELS): Set<string> {
  return new Set([
    ...registry.flatMap((r) => [...r.projections, ...r.derived, ...(r.kept ?? [])]),
    ...Object.keys(PLATFORM_TABLES),
  ]);
}
