/** Analytics' KPIs and the views of each management level (issue 16, items 6 and 7). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { CALENDAR_INSTANT_PATTERN } from './business-calendars.dto';
import { ForecastView } from './forecasts.dto';
import { TEAM_PATTERN } from './ownership.dto';

export const KPI_INTERVALS = ['week', 'month'] as const;
export type KpiIntervalName = (typeof KPI_INTERVALS)[number];
/** The most intervals one KPI request may ask for (two years of weeks). */
export const KPI_INTERVALS_MAX = 104;
/** Intervals when the request names no `from`: 6 months, or 12 weeks, back from `to`. */
export const KPI_DEFAULT_INTERVALS: Record<KpiIntervalName, number> = { month: 6, week: 12 };

const INSTANT = 'An ISO 8601 instant to the second with an offset or Z (in a URL, write + as %2B)';
const TEAM_MESSAGE = 'team must be a team name (letters, digits, . _ -; at most 100)';

class TeamQuery {
  @ApiPropertyOptional({
    example: 'north',
    description:
      "Only this team's figures. A manager may name only their own team (the default for them); an agent always sees only themself",
  })
  @IsOptional()
  @IsString()
  @Matches(TEAM_PATTERN, { message: TEAM_MESSAGE })
  team?: string;
}

/** GET /api/v1/analytics/kpis */
export class KpisQuery extends TeamQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-06-01T00:00:00+08:00',
    description: `${INSTANT}. Start of the first interval (inclusive); default: \`to\` minus 6 months (interval month) or 12 weeks (interval week)`,
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: 'from must be an ISO 8601 instant to the second with an offset' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'from is not a real date and time' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-01T00:00:00+08:00',
    description: `${INSTANT}. End of the last interval (exclusive); default: now. After \`from\`, at most ${KPI_INTERVALS_MAX} intervals after it`,
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: 'to must be an ISO 8601 instant to the second with an offset' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to is not a real date and time' })
  to?: string;

  @ApiPropertyOptional({
    enum: KPI_INTERVALS,
    default: 'month',
    description: 'Weeks (7 days) or calendar months from `from`; the last interval ends at `to`',
  })
  @IsOptional()
  @IsIn(KPI_INTERVALS, { message: `interval must be one of ${KPI_INTERVALS.join(', ')}` })
  interval?: KpiIntervalName;
}

/** GET /api/v1/analytics/dashboards/executive */
export class ExecutiveDashboardQuery {
  @ApiPropertyOptional({
    enum: KPI_INTERVALS,
    default: 'month',
    description: 'The period compared with the one before it: the last week or the last month up to `to`',
  })
  @IsOptional()
  @IsIn(KPI_INTERVALS, { message: `period must be one of ${KPI_INTERVALS.join(', ')}` })
  period?: KpiIntervalName;

  @ApiPropertyOptional({ format: 'date-time', description: `${INSTANT}. End of the period; default: now` })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: 'to must be an ISO 8601 instant to the second with an offset' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to is not a real date and time' })
  to?: string;
}

/** GET /api/v1/analytics/dashboards/manager */
export class ManagerDashboardQuery extends TeamQuery {
  @ApiPropertyOptional({
    enum: KPI_INTERVALS,
    default: 'month',
    description: 'The period the figures cover: the last week or the last month up to `to`',
  })
  @IsOptional()
  @IsIn(KPI_INTERVALS, { message: `period must be one of ${KPI_INTERVALS.join(', ')}` })
  period?: KpiIntervalName;

  @ApiPropertyOptional({ format: 'date-time', description: `${INSTANT}. End of the period; default: now` })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: 'to must be an ISO 8601 instant to the second with an offset' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to is not a real date and time' })
  to?: string;
}

export class KpiValuesView {
  @ApiProperty({ example: 12, description: 'Customers created in the interval' }) newCustomers!: number;
  @ApiProperty({ example: 340, description: 'Customers with at least one purchase in the interval' })
  activeCustomers!: number;
  @ApiProperty({ example: 4, description: 'Customers moved to the churned stage in the interval' })
  churnedCustomers!: number;
  @ApiProperty({
    example: 0.012,
    nullable: true,
    type: Number,
    description: 'Churned customers ÷ customers not churned at the start of the interval',
  })
  churnRate!: number | null;
  @ApiProperty({
    example: 0.41,
    nullable: true,
    type: Number,
    description: 'Active customers with two purchases or more up to the end of the interval ÷ active customers',
  })
  repeatPurchaseRate!: number | null;
  @ApiProperty({
    example: '188.40',
    nullable: true,
    type: String,
    description: "The interval's purchases in the base currency (before refunds) ÷ their number",
  })
  averageOrderValue!: string | null;
  @ApiProperty({
    example: '64056.00',
    description: 'Purchases − refunds made in the interval, in the base currency',
  })
  revenue!: string;
  @ApiProperty({
    example: 32.5,
    nullable: true,
    type: Number,
    description: '% promoters (9–10) − % detractors (0–6) among NPS answers',
  })
  nps!: number | null;
  @ApiProperty({ example: 0.86, nullable: true, type: Number, description: 'Share of 1–5 ratings that are 4 or 5' })
  csat!: number | null;
  @ApiProperty({
    example: 0.93,
    nullable: true,
    type: Number,
    description: 'Tickets received in the interval that met their SLA ÷ those met or breached (service-desk)',
  })
  slaCompliance!: number | null;
  @ApiProperty({
    example: 42.5,
    nullable: true,
    type: Number,
    description: 'Median minutes from receipt to first reply of the tickets received in the interval',
  })
  medianFirstResponseMinutes!: number | null;
  @ApiProperty({
    example: 0.78,
    nullable: true,
    type: Number,
    description: 'Follow-ups due in the interval done by their due time ÷ follow-ups due in it',
  })
  followUpsOnTime!: number | null;
  @ApiProperty({ example: 12000, description: 'Loyalty points earned in the interval' }) pointsIssued!: number;
  @ApiProperty({ example: 3000, description: 'Loyalty points redeemed in the interval' }) pointsRedeemed!: number;
  @ApiProperty({ example: 250000, description: 'Points members hold at the end of the interval (liability)' })
  pointsOutstanding!: number;
  @ApiProperty({
    example: '1284500.00',
    nullable: true,
    type: String,
    description:
      "The customers' expected value over the next 52 weeks as of the end of the interval (BG/NBD × Gamma-Gamma, the current CLV model), in the base currency; null before any CLV fit succeeded",
  })
  customerLifetimeValue!: string | null;
}

export class KpiIntervalView {
  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' }) to!: string;
  @ApiProperty({ type: KpiValuesView }) kpis!: KpiValuesView;
}

export class KpiScopeView {
  @ApiProperty({ nullable: true, type: String, example: 'north', description: 'The team the figures cover' })
  team!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'The agent the figures cover' })
  agent!: string | null;
}

export class KpisView {
  @ApiProperty({ enum: KPI_INTERVALS }) interval!: KpiIntervalName;
  @ApiProperty({ type: KpiScopeView }) scope!: KpiScopeView;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) asOf!: string;
  @ApiProperty({ type: [KpiIntervalView] }) intervals!: KpiIntervalView[];
}

export class KpiTrendView {
  @ApiProperty({ type: KpiIntervalView, description: 'This period' }) current!: KpiIntervalView;
  @ApiProperty({ type: KpiIntervalView, description: 'The period before it, as long' }) previous!: KpiIntervalView;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    example: { revenue: 0.12, nps: -4 },
    description:
      'Per KPI: for counts and money the relative change (0.12 = +12 %), for rates and scores the difference in points; null when either value is null or the previous count is 0',
  })
  change!: Record<string, number | null>;
}

export class TierMixView {
  @ApiProperty({ example: 120 }) A!: number;
  @ApiProperty({ example: 300 }) B!: number;
  @ApiProperty({ example: 2100 }) C!: number;
}

export class ChurnBandsView {
  @ApiProperty({ example: 1800, description: 'Risk below 0.3 (customer-profile: loyal, for tier A)' }) below30!: number;
  @ApiProperty({ example: 500 }) from30to70!: number;
  @ApiProperty({ example: 220, description: 'Risk 0.7 or more (customer-profile: at risk)' }) from70!: number;
}

export class ChurnDriverCountView {
  @ApiProperty({ example: 'no-contact' }) driver!: string;
  @ApiProperty({ example: 140, description: 'At-risk customers this driver is named for' }) customers!: number;
}

export class ChurnOverviewView {
  @ApiProperty({ example: 0.7 }) threshold!: number;
  @ApiProperty({ example: 2520, description: 'Customers with a current churn assessment (every buyer)' })
  assessed!: number;
  @ApiProperty({ example: 220 }) atRisk!: number;
  @ApiProperty({ example: 0.0873, nullable: true, type: Number }) atRiskShare!: number | null;
  @ApiProperty({ example: 0.31, nullable: true, type: Number }) meanRisk!: number | null;
  @ApiProperty({ type: ChurnBandsView }) bands!: ChurnBandsView;
  @ApiProperty({ type: [ChurnDriverCountView], description: 'The drivers most often named for at-risk customers' })
  topDrivers!: ChurnDriverCountView[];
}

export class ExecutiveDashboardView {
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) asOf!: string;
  @ApiProperty({ type: KpiTrendView }) kpis!: KpiTrendView;
  @ApiProperty({ type: ChurnOverviewView, description: 'The churn warning over every assessed customer now' })
  churnRisk!: ChurnOverviewView;
  @ApiProperty({
    type: ForecastView,
    nullable: true,
    description:
      'Monthly revenue for the next 3 months with its backtest against seasonal naive: the newest such forecast made in the last 24 h, else one made now (stored; GET /forecasts/{id} shows it); null without purchase history',
  })
  revenueForecast!: ForecastView | null;
  @ApiProperty({ type: TierMixView, description: 'Customers per value tier now (RFM scores)' }) tierMix!: TierMixView;
}

export class AtRiskOwnerView {
  @ApiProperty({ nullable: true, type: String, example: 'agent1', description: 'Null: the public pool' })
  ownerId!: string | null;
  @ApiProperty({ example: 3 }) customers!: number;
  @ApiProperty({ type: [String], description: 'The first 20 customer ids, longest at risk first' })
  customerIds!: string[];
}

export class AgentRowView {
  @ApiProperty({ example: 'agent1' }) agent!: string;
  @ApiProperty({ example: 10, description: 'Follow-ups due in the period' }) followUpsDue!: number;
  @ApiProperty({ example: 8, description: 'Of those, done by their due time' }) followUpsDoneOnTime!: number;
  @ApiProperty({ example: 0.8, nullable: true, type: Number }) followUpsOnTime!: number | null;
  @ApiProperty({ example: 25, description: 'Contacts the agent logged in the period' }) interactions!: number;
  @ApiProperty({ example: 2, description: 'Customers they owned that left the prospect stage in the period' })
  conversions!: number;
  @ApiProperty({ example: 6, description: 'Tickets they resolved in the period' }) ticketsResolved!: number;
  @ApiProperty({ example: 5, description: 'Of those, with no SLA breach (service-desk)' })
  ticketsResolvedWithinSla!: number;
  @ApiProperty({ example: 0.9, nullable: true, type: Number, description: 'Share of their ratings that are 4–5' })
  csat!: number | null;
  @ApiProperty({ example: 4, description: 'Ratings given in the period on tickets they resolved' })
  csatRatings!: number;
}

export class ManagerDashboardView {
  @ApiProperty({ example: 'north' }) team!: string;
  @ApiProperty({ example: '2026-11-04T10:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) to!: string;
  @ApiProperty({ example: 0.78, nullable: true, type: Number, description: "The team's follow-ups done on time" })
  followUpCompliance!: number | null;
  @ApiProperty({ example: 0.93, nullable: true, type: Number, description: "The team's SLA compliance" })
  slaCompliance!: number | null;
  @ApiProperty({ type: [AtRiskOwnerView], description: "The team's at-risk customers by owner, most first" })
  atRiskByOwner!: AtRiskOwnerView[];
  @ApiProperty({ type: [AgentRowView] }) agents!: AgentRowView[];
}

export class WorklistFollowUpView {
  @ApiProperty({ format: 'uuid' }) followUpId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) customerId!: string | null;
  @ApiProperty({ example: 'phone' }) channel!: string;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) dueAt!: string;
}

export class WorklistCustomerView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When the customer became at risk' })
  since!: string | null;
}

export class WorklistTicketView {
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) customerId!: string | null;
  @ApiProperty({ example: 'complaint' }) type!: string;
  @ApiProperty({ example: 'high' }) priority!: string;
  @ApiProperty({ example: 'investigating' }) status!: string;
  @ApiProperty({ example: '2026-12-04T08:00:00.000Z' }) receivedAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The next SLA due time service-desk announced (sla.warning / sla.breached), if any',
  })
  dueAt!: string | null;
  @ApiProperty({ example: false }) breached!: boolean;
}

export class AgentDashboardView {
  @ApiProperty({ example: 'agent1' }) agent!: string;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) asOf!: string;
  @ApiProperty({ type: [WorklistFollowUpView], description: 'Open follow-ups past their due time, oldest first' })
  overdueFollowUps!: WorklistFollowUpView[];
  @ApiProperty({ type: [WorklistFollowUpView], description: 'Open follow-ups due in the next 7 days, soonest first' })
  dueFollowUps!: WorklistFollowUpView[];
  @ApiProperty({ type: [WorklistCustomerView], description: 'Customers they own in the at-risk stage' })
  atRiskCustomers!: WorklistCustomerView[];
  @ApiProperty({ type: [WorklistTicketView], description: 'Their open tickets, by due time (unknown last)' })
  openTickets!: WorklistTicketView[];
}
