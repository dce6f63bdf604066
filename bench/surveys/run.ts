// Survey results benchmark: GET /api/v1/surveys/{id}/results through the gateway over N answers (default
// 1 000 000: 250 000 responses of four questions, NPS, CSAT, a multiple choice and a text), on a fresh local
// stack. The answers are inserted set-based in SQL (generate_series); the results are then asked
// sequentially. The baseline, in the same run, is the bare SQL count of the same answers by question and
// score: what any results page must at least read.
//
//   npm run bench:surveys -- --answers 1000000 --requests 20
//
// Human-readable lines go to stdout, ending with one line of JSON holding every figure.
import { performance } from 'node:perf_hooks';
import { demoUserToken } from '@rapport/stack';
import type { Client } from 'pg';
import { benchOnStack, UNTHROTTLED } from '../lib/harness';
import { benchArgs, int, profile } from '../lib/cli';
import { latency, percentile, ratio, round, timedRuns } from '../lib/stats';

const USAGE = `usage: npm run bench:surveys -- [--answers N] [--requests R] [--profile P]
  --answers N    answers loaded, four per response (default 1000000)
  --requests R   results requests measured (default 20)
  --profile P    the stack profile to start (default bench)`;

/** The goal of issue 15: results over 1M answers within 300 ms. */
const GOAL_MS = 300;
const QUESTIONS_PER_RESPONSE = 4;

/** Invitations and four answers each, spread over the last 180 days, in one statement per table. */
async function load(db: Client, surveyId: string, responses: number): Promise<number> {
  const started = performance.now();
  await db.query(
    `INSERT INTO interaction.survey_invitations (id, survey_id, customer_id, created_by, expires_at, responded_at)
     SELECT md5('inv' || g)::uuid, $1, md5('cust' || g)::uuid, 'bench', now() + interval '30 days',
            now() - (g % 180) * interval '1 day' - (g % 86400) * interval '1 second'
       FROM generate_series(1, $2) AS g`,
    [surveyId, responses],
  );
  await db.query(
    `INSERT INTO interaction.survey_answers (invitation_id, survey_id, question_id, score, choices, text, answered_at)
     SELECT i.id, i.survey_id, q.question_id,
            CASE q.question_id WHEN 'recommend' THEN (hashtext(i.id::text) & 2147483647) % 11
                               WHEN 'satisfied' THEN 1 + (hashtext(i.id::text || 's') & 2147483647) % 5 END,
            CASE WHEN q.question_id = 'why' THEN ARRAY[(ARRAY['price', 'quality', 'service'])[1 + (hashtext(i.id::text || 'w') & 2147483647) % 3]] END,
            CASE WHEN q.question_id = 'words' THEN 'Answer ' || i.id::text END,
            i.responded_at
       FROM interaction.survey_invitations i
       CROSS JOIN (VALUES ('recommend'), ('satisfied'), ('why'), ('words')) AS q (question_id)
      WHERE i.survey_id = $1`,
    [surveyId],
  );
  await db.query('ANALYZE interaction.survey_answers');
  return (performance.now() - started) / 1000;
}

function main(): void {
  const args = benchArgs(USAGE, {
    answers: int(1_000_000, { min: QUESTIONS_PER_RESPONSE }),
    requests: int(20),
    profile: profile(),
  });
  benchOnStack(
    'surveys',
    {
      heading: `survey results benchmark: ${args.answers} answers, ${args.requests} requests`,
      profile: args.profile,
      serviceEnv: UNTHROTTLED,
    },
    async ({ db, gatewayUrl }) => {
      const token = await demoUserToken(gatewayUrl, 'manager');
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const created = await fetch(`${gatewayUrl}/api/v1/surveys`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: 'bench',
          questions: [
            { id: 'recommend', type: 'nps', text: 'Recommend us?' },
            { id: 'satisfied', type: 'csat', text: 'Satisfied?' },
            { id: 'why', type: 'multiple', text: 'Why?', options: ['price', 'quality', 'service'] },
            { id: 'words', type: 'text', text: 'Anything else?' },
          ],
        }),
      });
      if (created.status !== 201) throw new Error(`creating the survey answered ${created.status}`);
      const surveyId = ((await created.json()) as { id: string }).id;
      const responses = Math.floor(args.answers / QUESTIONS_PER_RESPONSE);
      const seconds = await load(db, surveyId, responses);
      console.log(
        `loaded ${responses * QUESTIONS_PER_RESPONSE} answers (${responses} responses) in ${seconds.toFixed(1)} s`,
      );

      const timed = (run: () => Promise<void>) => timedRuns(run, { requests: args.requests });
      let answered = 0;
      const api = await timed(async () => {
        const response = await fetch(`${gatewayUrl}/api/v1/surveys/${surveyId}/results`, { headers });
        if (response.status !== 200) throw new Error(`results answered ${response.status}`);
        answered = ((await response.json()) as { responses: number }).responses;
      });
      if (answered !== responses) throw new Error(`results counted ${answered} responses, not ${responses}`);
      const bare = await timed(async () => {
        await db.query(
          `SELECT question_id, score, count(*) FROM interaction.survey_answers WHERE survey_id = $1 GROUP BY 1, 2`,
          [surveyId],
        );
      });
      const figures = {
        answers: responses * QUESTIONS_PER_RESPONSE,
        loadSeconds: round(seconds),
        results: latency(api),
        bareCount: latency(bare),
        goalMs: GOAL_MS,
        p95OverGoal: ratio(percentile(api, 95), GOAL_MS),
        p95OverBare: ratio(percentile(api, 95), percentile(bare, 95)),
      };
      console.log(`  results through the gateway   p50 ${figures.results.p50} ms, p95 ${figures.results.p95} ms`);
      console.log(`  bare SQL count by score       p50 ${figures.bareCount.p50} ms, p95 ${figures.bareCount.p95} ms`);
      console.log(`  p95 / ${GOAL_MS} ms goal: ${figures.p95OverGoal}; p95 / bare p95: ${figures.p95OverBare}`);
      return figures;
    },
  );
}

main();
