import { accountedTables, READ_MODELS, tablesToEmpty } from './read-models';

describe('read model registry', () => {
  it('empties the projections, the derived outputs and the inbox, and keeps the outbox and the rebuilds', () => {
    expect(tablesToEmpty()).toEqual([
      'churn_risks',
      'csat_ratings',
      'customer_activity',
      'customer_facts',
      'customer_scores',
      'customer_value_facts',
      'erased_customers',
      'follow_up_facts',
      'inbox',
      'interaction_facts',
      'lifecycle_changes',
      'merged_customers',
      'points_movements',
      'purchase_lines',
      'purchase_refunds',
      'purchases',
      'recommendation_builds',
      'recommendation_neighbours',
      'recommendation_popularity',
      'scoring_runs',
      'survey_scores',
      'ticket_facts',
    ]);
    expect(tablesToEmpty()).not.toContain('outbox');
    expect(tablesToEmpty()).not.toContain('rebuilds');
    expect(tablesToEmpty()).not.toContain('clv_fits');
    expect(tablesToEmpty()).not.toContain('forecasts');
  });

  it('does not empty what a feature keeps', () => {
    const sut = tablesToEmpty([
      ...READ_MODELS,
      { feature: 'x', projections: ['x_facts'], derived: [], kept: ['x_settings'] },
    ]);
    expect(sut).toContain('x_facts');
    expect(sut).not.toContain('x_settings');
    expect(accountedTables([{ feature: 'x', projections: [], derived: [], kept: ['x_settings'] }])).toContain(
      'x_settings',
    );
  });

  it('lists each table once across features', () => {
    const all = READ_MODELS.flatMap((r) => [...r.projections, ...r.derived, ...(r.kept ?? [])]);
    expect(new Set(all).size).toBe(all.length);
  });
});
