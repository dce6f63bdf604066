/** The service desk's team figures (stats) and its teams (the manager SLA escalations reach). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { CALENDAR_INSTANT_PATTERN } from './business-calendars.dto';
import { TEAM_PATTERN } from './ownership.dto';
import { ASSIGNEE_PATTERN } from './tickets.dto';

/** The longest window of one stats request (the tickets received in it are counted one by one). */
export const STATS_WINDOW_DAYS_MAX = 366;
/** The window when the request names none: the last 30 days. */
export const STATS_WINDOW_DAYS_DEFAULT = 30;

const INSTANT = 'An ISO 8601 instant to the second with an offset or Z (in a URL, write + as %2B)';

/** GET /api/v1/service-desk/stats */
export class ServiceDeskStatsQuery {
  @ApiPropertyOptional({
    example: 'north',
    description: "Only this team's tickets (a manager or agent may name only their own team; default: all they see)",
  })
  @IsOptional()
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be a team name (letters, digits, . _ -; at most 100)' })
  team?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-01T00:00:00+08:00',
    description: `${INSTANT}. Start of the window (inclusive); default: \`to\` minus ${STATS_WINDOW_DAYS_DEFAULT} days`,
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: 'from must be an ISO 8601 instant to the second with an offset' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'from is not a real date and time' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-01T00:00:00+08:00',
    description: `${INSTANT}. End of the window (exclusive); default: now. After \`from\`, at most ${STATS_WINDOW_DAYS_MAX} days after it`,
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: 'to must be an ISO 8601 instant to the second with an offset' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to is not a real date and time' })
  to?: string;
}

export class OpenTicketsByStatusView {
  @ApiProperty({ example: 2 }) received!: number;
  @ApiProperty({ example: 1 }) acknowledged!: number;
  @ApiProperty({ example: 3 }) investigating!: number;
  @ApiProperty({ example: 1, name: 'pending-customer' }) 'pending-customer'!: number;
  @ApiProperty({ example: 0 }) reopened!: number;
}

export class OpenTicketsStatsView {
  @ApiProperty({ example: 7, description: 'Tickets neither resolved nor closed, now' }) total!: number;
  @ApiProperty({ type: () => OpenTicketsByStatusView }) byStatus!: OpenTicketsByStatusView;
  @ApiProperty({
    example: 1,
    description: 'Open tickets at risk now: a warning level fired (or 80 % of a target elapsed), nothing breached yet',
  })
  atRisk!: number;
  @ApiProperty({ example: 2, description: 'Open tickets with a target past its due time unmet, now' })
  breached!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the oldest open one came in' })
  oldestReceivedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 1_440,
    description: 'Backlog age: the median of now − receivedAt over open tickets, in calendar minutes',
  })
  medianAgeMinutes!: number | null;
}

/** One SLA target over the tickets received in the window. */
export class SlaTargetStatsView {
  @ApiProperty({ example: 9, description: 'Tickets whose target was met' }) met!: number;
  @ApiProperty({ example: 1, description: 'Tickets whose target was missed (stopped late, or running past due)' })
  breached!: number;
  @ApiProperty({ example: 2, description: 'Tickets whose target is still running or paused within its due time' })
  pending!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 90,
    description: 'met / (met + breached) × 100, to one decimal; null when none is decided',
  })
  compliancePercent!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 42.5,
    description:
      "Median business minutes to the first reply (first-response) or to the resolution (resolution), on each ticket's SLA calendar, pauses excepted; over the tickets that got there; null when none did",
  })
  medianBusinessMinutes!: number | null;
}

export class CsatStatsView {
  @ApiProperty({ example: 4, description: 'Ratings submitted in the window' }) responses!: number;
  @ApiProperty({ nullable: true, type: Number, example: 3.75, description: 'Mean rating (1–5), to two decimals' })
  averageRating!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 75,
    description: 'CSAT: ratings of 4 or 5 as a percentage of all, to one decimal',
  })
  satisfiedPercent!: number | null;
}

export class ServiceDeskStatsView {
  @ApiProperty({ nullable: true, type: String, example: 'north', description: 'The team asked for; null: all' })
  team!: string | null;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ format: 'date-time', description: 'The instant the open counts and running clocks are taken at' })
  asOf!: string;
  @ApiProperty({ type: () => OpenTicketsStatsView, description: 'The open backlog now (not limited to the window)' })
  open!: OpenTicketsStatsView;
  @ApiProperty({ example: 12, description: 'Tickets received in the window (the cohort of the SLA figures)' })
  received!: number;
  @ApiProperty({ type: () => SlaTargetStatsView }) firstResponse!: SlaTargetStatsView;
  @ApiProperty({ type: () => SlaTargetStatsView }) resolution!: SlaTargetStatsView;
  @ApiProperty({ type: () => CsatStatsView }) csat!: CsatStatsView;
}

/** PUT /api/v1/service-desk/teams/{team} */
export class PutServiceDeskTeamRequest {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'manager',
    description:
      "The team's manager: the SLA escalation reassign-to-manager gives breached tickets to them (null: none)",
  })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: 'manager must be a user id (letters, digits, @ . _ : -; at most 200)' })
  manager!: string | null;
}

export class ServiceDeskTeamView {
  @ApiProperty({ example: 'north' }) name!: string;
  @ApiProperty({ nullable: true, type: String, example: 'manager' }) manager!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ example: 'admin' }) updatedBy!: string;
}

export class ServiceDeskTeamList {
  @ApiProperty({ type: [ServiceDeskTeamView], description: 'By name' }) items!: ServiceDeskTeamView[];
}
