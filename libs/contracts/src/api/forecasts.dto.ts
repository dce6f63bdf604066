import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CALENDAR_INSTANT_PATTERN } from './business-calendars.dto';

export const FORECAST_MEASURES = ['revenue', 'orders'] as const;
export type ForecastMeasure = (typeof FORECAST_MEASURES)[number];
export const FORECAST_GRANULARITIES = ['week', 'month'] as const;
export type ForecastGranularity = (typeof FORECAST_GRANULARITIES)[number];
export const FORECAST_BREAKDOWNS = ['category', 'channel'] as const;
export type ForecastBreakdown = (typeof FORECAST_BREAKDOWNS)[number];
/** Longest horizon per granularity: two years. */
export const FORECAST_HORIZON_MAX: Record<ForecastGranularity, number> = { week: 104, month: 24 };
/** Periods are weeks (Monday to Sunday) and calendar months in this time zone. */
export const FORECAST_TIME_ZONE = 'Asia/Shanghai';

/** POST /api/v1/analytics/forecasts */
export class CreateForecastRequest {
  @ApiProperty({ enum: FORECAST_MEASURES, description: 'revenue: net of refunds, base currency; orders: purchases' })
  @IsIn(FORECAST_MEASURES)
  measure!: ForecastMeasure;

  @ApiProperty({
    enum: FORECAST_GRANULARITIES,
    description: `Weeks (Monday–Sunday) or months, in ${FORECAST_TIME_ZONE}`,
  })
  @IsIn(FORECAST_GRANULARITIES)
  granularity!: ForecastGranularity;

  @ApiProperty({
    minimum: 1,
    maximum: FORECAST_HORIZON_MAX.week,
    example: 8,
    description: `Periods to forecast: at most ${FORECAST_HORIZON_MAX.week} weeks or ${FORECAST_HORIZON_MAX.month} months (more months: 422)`,
  })
  @IsInt()
  @Min(1)
  @Max(FORECAST_HORIZON_MAX.week)
  horizon!: number;

  @ApiPropertyOptional({
    enum: FORECAST_BREAKDOWNS,
    description: 'One series per category (of the purchase lines) or per sales channel; absent: one series overall',
  })
  @IsOptional()
  @IsIn(FORECAST_BREAKDOWNS)
  by?: ForecastBreakdown;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-07-01T00:00:00+08:00',
    description:
      'Use the history up to this instant only (default now; not in the future): the history is the periods that ' +
      'ended by then, the forecast starts with the period holding it. Check a forecast against what happened later.',
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, {
    message:
      'to must be an ISO 8601 instant to the second with an offset (Z or ±HH:MM), such as 2026-07-01T00:00:00+08:00',
  })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to is not a real date and time' })
  to?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Weekly series only (months: 422): also backtest each model on the series adjusted for China’s statutory holidays ' +
      '(days off per week, from the official arrangement) and report whether that improved the backtest',
  })
  @IsOptional()
  @IsBoolean()
  holidays?: boolean;
}

export class ForecastPeriodView {
  @ApiProperty({ example: '2026-12-07', description: 'First day of the period (local date)' }) periodStart!: string;
  @ApiProperty({ example: 1520.5 }) point!: number;
  @ApiProperty({
    example: 1302.1,
    nullable: true,
    type: Number,
    description: '10th percentile (80 % interval); null without a backtest',
  })
  lower!: number | null;
  @ApiProperty({ example: 1733.9, nullable: true, type: Number, description: '90th percentile' })
  upper!: number | null;
}

export class HistoryPeriodView {
  @ApiProperty({ example: '2026-11-30' }) periodStart!: string;
  @ApiProperty({ example: 1480.25 }) value!: number;
}

export class BacktestRowView {
  @ApiProperty({ example: 'holt-winters' }) model!: string;
  @ApiProperty({
    example: 0.82,
    nullable: true,
    type: Number,
    description: 'Mean over origins; null when the history never changed',
  })
  mase!: number | null;
  @ApiProperty({ example: 11.3, description: 'Percent' }) smape!: number;
  @ApiProperty({ example: 1.04, nullable: true, type: Number, description: 'The baseline’s (seasonal naive’s) MASE' })
  baselineMase!: number | null;
  @ApiProperty({ example: 14.9 }) baselineSmape!: number;
  @ApiProperty({ example: true }) beatsBaseline!: boolean;
}

export class BacktestView {
  @ApiProperty({ example: 12, description: 'Rolling origins' }) origins!: number;
  @ApiProperty({ example: 8, description: 'Periods forecast from each origin' }) horizon!: number;
  @ApiProperty({ type: [BacktestRowView] }) rows!: BacktestRowView[];
}

export class ModelScoreSummaryView {
  @ApiProperty() model!: string;
  @ApiProperty({ nullable: true, type: Number }) mase!: number | null;
  @ApiProperty() smape!: number;
}

export class HolidayReportView {
  @ApiProperty() requested!: boolean;
  @ApiProperty({ description: 'The holiday-adjusted models took part in the backtest' }) applied!: boolean;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Estimated change of the value per holiday day in the week',
  })
  effectPerHolidayDay!: number | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'The best adjusted model beat the best unadjusted one' })
  improved!: boolean | null;
  @ApiProperty({ nullable: true, type: ModelScoreSummaryView }) bestWith!: ModelScoreSummaryView | null;
  @ApiProperty({ nullable: true, type: ModelScoreSummaryView }) bestWithout!: ModelScoreSummaryView | null;
}

export class ForecastSeriesView {
  @ApiProperty({ example: 'web', description: "'all', or the category or channel" }) key!: string;
  @ApiProperty({
    enum: ['seasonal', 'one-season', 'non-seasonal', 'too-short'],
    description: 'seasonal: ≥ 2m+1 periods; one-season: m+2 … 2m; non-seasonal: 4 … m+1; too-short: < 4',
  })
  mode!: 'seasonal' | 'one-season' | 'non-seasonal' | 'too-short';
  @ApiProperty({ example: 52 }) seasonLength!: number;
  @ApiProperty({
    example: 'seasonal-naive',
    description: 'seasonal-naive, or naive for a history under a season and two periods',
  })
  baseline!: string;
  @ApiProperty({ example: 'holt-winters' }) chosenModel!: string;
  @ApiProperty() beatsBaseline!: boolean;
  @ApiProperty({ type: BacktestView, nullable: true }) backtest!: BacktestView | null;
  @ApiProperty({ type: [HistoryPeriodView] }) history!: HistoryPeriodView[];
  @ApiProperty({ type: [ForecastPeriodView] }) forecast!: ForecastPeriodView[];
  @ApiProperty({ type: HolidayReportView }) holidays!: HolidayReportView;
  @ApiProperty({ type: [String] }) notes!: string[];
}

export class ForecastView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ enum: FORECAST_MEASURES }) measure!: ForecastMeasure;
  @ApiProperty({ enum: FORECAST_GRANULARITIES }) granularity!: ForecastGranularity;
  @ApiProperty({ example: 8 }) horizon!: number;
  @ApiProperty({ enum: FORECAST_BREAKDOWNS, nullable: true }) by!: ForecastBreakdown | null;
  @ApiProperty({ format: 'date-time', description: 'The history used ends here' }) to!: string;
  @ApiProperty({ example: FORECAST_TIME_ZONE }) timeZone!: string;
  @ApiProperty({ example: 0.8, description: 'Central coverage of the intervals' }) intervalLevel!: number;
  @ApiProperty({ type: [ForecastSeriesView] }) series!: ForecastSeriesView[];
  @ApiProperty({ type: [String] }) notes!: string[];
}
