// Generated from libs/api-client/openapi.json by `npm run openapi:update`. Do not edit.
export interface paths {
    "/api/v1/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ImportsController_list"];
        put?: never;
        post: operations["ImportsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/imports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ImportsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ImportsController_exportCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CustomersController_list"];
        put?: never;
        post: operations["CustomersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CustomersController_search"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/duplicates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CustomersController_duplicates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CustomersController_get"];
        put?: never;
        post?: never;
        delete: operations["CustomersController_erase"];
        options?: never;
        head?: never;
        patch: operations["CustomersController_update"];
        trace?: never;
    };
    "/api/v1/customers/{id}/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["CustomersController_merge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CustomersController_export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/consents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ConsentsController_overview"];
        put?: never;
        post: operations["ConsentsController_record"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/custom-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CustomFieldsController_list"];
        put?: never;
        post: operations["CustomFieldsController_define"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/erasures/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ErasuresController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/erasures/{id}/receipt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ErasuresController_receipt"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/360": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Customer360Controller_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/customers/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AnalyticsController_customerCount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/customers/{customerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AnalyticsController_customerScores"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuditController_find"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/audit/{auditId}/subjects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The customers whose personal data one audited read handed out (or one change touched) */
        get: operations["AuditController_subjects"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/purchases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PurchasesController_list"];
        put?: never;
        post: operations["PurchasesController_record"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/purchases/{purchaseId}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["PurchasesController_refund"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/purchase-totals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PurchasesController_totals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exchange-rates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PurchasesController_rates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exchange-rates/{currency}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["PurchasesController_putRate"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/owner": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["OwnershipController_assign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["OwnershipController_assignByRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["OwnershipController_team"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["OwnershipController_replaceTeamMembers"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["OwnershipController_release"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/claim": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["OwnershipController_claim"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/ownership-history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["OwnershipController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ownership/recycle-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["OwnershipController_recycle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/lifecycle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["OwnershipController_lifecycle"];
        put?: never;
        post: operations["OwnershipController_changeStage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/churn-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["OwnershipController_churn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Balance, tier, points expiring soon and tier history of a member */
        get: operations["LoyaltyController_member"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}/statement": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ledger movements, newest first, with the running balance (keyset paged) */
        get: operations["LoyaltyController_statement"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}/redemptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Spend points ({"points": n}) or redeem a reward ({"rewardId": …}); never overspends, never oversells. With "hold": true only reserve them (status reserved) until confirm, cancel or expiry */
        post: operations["LoyaltyController_redeem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}/redemptions/{redemptionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where a redemption stands: reserved, confirmed, cancelled or expired */
        get: operations["LoyaltyController_redemption"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}/redemptions/{redemptionId}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Spend a held redemption (points.redeemed, and a coupon for a reward); 409 when it is no longer reserved, ran out or is no longer covered */
        post: operations["LoyaltyController_confirmRedemption"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}/redemptions/{redemptionId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Release a held redemption: its points are available again, a reward goes back to stock; 409 when it is no longer reserved */
        post: operations["LoyaltyController_cancelRedemption"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}/adjustments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Manual credit or debit with a reason (admins; audited) */
        post: operations["LoyaltyController_adjust"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}/referral-code": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The member’s referral code (issued on first ask) */
        get: operations["LoyaltyController_referralCode"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/members/{customerId}/referral": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register who referred this (new) member; both are rewarded once on its first purchase of the programme minimum */
        post: operations["LoyaltyController_registerReferral"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/rewards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The rewards catalogue (keyset paged) */
        get: operations["LoyaltyController_rewards"];
        put?: never;
        /** Add a reward to the catalogue (admins) */
        post: operations["LoyaltyController_createReward"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/coupons/{code}/use": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check a reward coupon in: it works once, within its validity window */
        post: operations["LoyaltyController_useCoupon"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/programme": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The programme: earn rules, point validity, tiers */
        get: operations["LoyaltyController_programme"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change the programme (admins): top-level config fields replace the current ones; send the version you read */
        patch: operations["LoyaltyController_updateProgramme"];
        trace?: never;
    };
    "/api/v1/loyalty/admin/expiry-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run point expiry and tier review now (the service also runs them on a schedule); safe to repeat */
        post: operations["LoyaltyController_expire"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/loyalty/admin/reconciliation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Proves entries balance and movements = balances = lots = liability */
        get: operations["LoyaltyController_reconciliation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SegmentsController_list"];
        put?: never;
        post: operations["SegmentsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["SegmentsController_preview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SegmentsController_get"];
        put?: never;
        post?: never;
        delete: operations["SegmentsController_delete"];
        options?: never;
        head?: never;
        patch: operations["SegmentsController_update"];
        trace?: never;
    };
    "/api/v1/segments/{id}/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SegmentsController_count"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SegmentsController_members"];
        put?: never;
        post: operations["SegmentsController_addMembers"];
        delete: operations["SegmentsController_removeMembers"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SegmentsController_exportCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tickets the caller may see, VIP customers' first, then the earliest SLA due time (tickets with no running target last; keyset paged), by status, type, priority, assignee, customer, queue or SLA (at-risk, breached) */
        get: operations["TicketsController_list"];
        put?: never;
        /** Receive a ticket (complaint, inquiry, request, feedback) for a customer service-desk knows; it starts received, routed to a queue (a VIP customer's to the VIP queue, else the first matching one, else general) and assigned by the queue's rule unless assignee is given (ticket.created) */
        post: operations["TicketsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A ticket, with the moves the complaint process allows from where it stands */
        get: operations["TicketsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change subject, description, priority, category or assignee (ticket.updated) */
        patch: operations["TicketsController_update"];
        trace?: never;
    };
    "/api/v1/tickets/{id}/sla": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A ticket's SLA explained: the policy and calendar versions, each target's due time (with the calendar's offset), elapsed and remaining business minutes and state, the pauses, and the calendar overrides between its receipt and its due times */
        get: operations["TicketsController_sla"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every step of a ticket: creation, changes, transitions, replies and notes, in order */
        get: operations["TicketsController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/replies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reply to the customer (ticket.replied): the first reply sets firstRepliedAt, one on a received ticket acknowledges it; 409 once closed */
        post: operations["TicketsController_reply"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An internal note on the ticket (history only; the customer never sees it) */
        post: operations["TicketsController_note"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/transitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move the ticket in the complaint process (ticket.transitioned): received → acknowledged → investigating → resolved → closed, pending-customer from acknowledged or investigating, reopened from resolved within the reopen window; any other move is 409 with `allowed` */
        post: operations["TicketsController_transition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The queues, in rule order (priority, then name) */
        get: operations["QueuesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/queues/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A queue: its team, lead, members, assignment rule and match rule */
        get: operations["QueuesController_get"];
        /** Create or replace a queue (an admin, or the manager of the queue's team): members, who is available, assignment (round-robin, least-loaded, manual), match rule, priority, VIP */
        put: operations["QueuesController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/business-calendars": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every business calendar, by name, without its overrides (their count and date span) */
        get: operations["BusinessCalendarsController_list"];
        put?: never;
        /** Create a business calendar (admins): time zone, weekly windows (several per day), dated overrides (holiday, workday, closure) */
        post: operations["BusinessCalendarsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/business-calendars/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A business calendar with all its overrides, by date */
        get: operations["BusinessCalendarsController_get"];
        /** Replace a business calendar (admins): name, time zone, weekly windows and every override (those left out are removed); a new version */
        put: operations["BusinessCalendarsController_replace"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/business-calendars/{id}/overrides": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a batch of dated overrides (admins), such as a new year's official arrangement; one for a date already overridden replaces it; a new version */
        post: operations["BusinessCalendarsController_addOverrides"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/business-calendars/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The change history of a business calendar: every version, who, when and what changed */
        get: operations["BusinessCalendarsController_versions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/business-calendars/{id}/deadline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** When `minutes` of working time have elapsed since `from` on this calendar (a deadline ending with a window is that window’s end); 422 when the calendar has too little working time in the 10 years after `from` */
        get: operations["BusinessCalendarsController_deadline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/business-calendars/{id}/business-minutes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The working time between `from` and `to` on this calendar, exact to the second */
        get: operations["BusinessCalendarsController_businessMinutes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sla-policies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The current SLA policy: its calendar, target cells and escalation levels */
        get: operations["SlaPoliciesController_get"];
        /** Replace the SLA policy (admins): a new version. Every priority needs a tier none cell (the fallback of a tier without its own); a cell or an escalation level twice, or a calendar that does not exist, is 422. Open tickets are recomputed by the SLA scheduler's next tick */
        put: operations["SlaPoliciesController_replace"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/service-desk/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Team figures: the open backlog now (by state, at risk, breached, its age), and over the tickets received in [from, to) the SLA compliance and median business time of first response and resolution, and the CSAT of the ratings given in the window */
        get: operations["ServiceDeskStatsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/service-desk/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The service desk’s teams and their managers, by name */
        get: operations["ServiceDeskTeamsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/service-desk/teams/{team}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A team’s service-desk settings: its manager */
        get: operations["ServiceDeskTeamsController_get"];
        /** Name a team's manager (admins): the SLA escalation reassign-to-manager gives the team's breached tickets to them */
        put: operations["ServiceDeskTeamsController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/surveys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The surveys, newest first (at most 200), with how many were invited and answered */
        get: operations["SurveysController_list"];
        put?: never;
        /** Create a survey: its questions (nps 0–10, csat 1–5, rating 1–max, single, multiple, text) */
        post: operations["SurveysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/surveys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A survey: its questions, how many were invited and how many answered */
        get: operations["SurveysController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/surveys/{id}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Invite customers: one invitation per customer and survey, each with a signed link to send them (whoever holds it answers once); customers invited before and ids interaction does not know are listed apart */
        post: operations["SurveysController_invite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/surveys/{id}/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Results in a window: per question the answers, every score’s count, the mean, NPS (% 9–10 − % 0–6, with n and its 95 % interval), CSAT (% 4–5), open answers (masked without pii:read) and the weekly or monthly trend */
        get: operations["SurveysController_results"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/wechat/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a customer-service text to the customer's WeChat (their wechat_openid, through the Official Account). WeChat allows it within 48 hours of the customer's last message: later, or never written, is 422 wechat-window-closed; a customer without an openid is 422 wechat-not-following; WeChat refusing it is 502. The message is logged as an outbound WeChat interaction. For a customer the caller may see (another's is 404) */
        post: operations["WechatMessagesController_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a campaign (email or SMS, a purpose, Mustache templates) with its audience: customers and the address to use; every recipient starts queued */
        post: operations["CampaignsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A campaign and its counts by recipient state, which add up to the audience */
        get: operations["CampaignsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/send": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start sending: the sender hands the queued recipients to SMTP or the SMS provider at the configured rate, checking each one’s consent as it stands then; a second send is 409 */
        post: operations["CampaignsController_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/recipients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The recipients and their states (queued, skipped with reason, sent, failed, bounced, unsubscribed), keyset paged */
        get: operations["CampaignsController_recipients"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/sms/inbound": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An inbound SMS from the provider (called by the provider’s integration client): the reply T or TD withdraws the sender’s SMS marketing consent */
        post: operations["SmsWebhookController_inbound"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/interactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The customer's timeline: every contact on every channel, newest first (keyset paged), by channel. For a customer the caller may see (customer-profile's row rule: an agent their own customers and the public pool, a manager the team's): another's is 404 */
        get: operations["InteractionsController_timeline"];
        put?: never;
        /** Log a contact with a customer interaction knows: channel (phone, email, sms, wechat, weibo, chat, meeting, visit, web-form), direction, when (not in the future: 422), agent (default the caller), summary, outcome, duration, and links to a ticket, campaign or follow-up (interaction.logged; customer-profile keeps the last contact from it) */
        post: operations["InteractionsController_log"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/interactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Contacts across customers, newest first (keyset paged), by agent ('me' for the caller), time range (from inclusive, to exclusive) and channel; an agent sees their own, a manager the team's */
        get: operations["InteractionsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/follow-ups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The follow-ups the caller may see, earliest due first (keyset paged), by assignee ('me' for the caller), status (open, overdue, snoozed, done), due=today (the calendar day in the follow-ups' time zone) or customer */
        get: operations["FollowUpsController_list"];
        put?: never;
        /** Plan a follow-up of a customer: assignee (default the caller; an agent plans for themselves), team (default the caller's), due time, channel and note. Its reminder (follow-up.due) fires a configured number of business minutes before the due time, on the follow-ups' business calendar, and follow-up.overdue at the due time, each once (follow-up.created) */
        post: operations["FollowUpsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/follow-ups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A follow-up, with its status now and when its reminder fires */
        get: operations["FollowUpsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/follow-ups/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Done: the contact is logged as an interaction linked to the follow-up (channel default the follow-up's) in the same transaction as the completion (interaction.logged, follow-up.completed); its pending reminder and overdue never fire; 409 when done already */
        post: operations["FollowUpsController_complete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/follow-ups/{id}/snooze": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put a follow-up off: until (a future instant, else 422) or businessMinutes from now on the follow-ups' calendar, exactly one of them (400 otherwise); its reminder and overdue fire again for the new due time (follow-up.snoozed); 409 when done */
        post: operations["FollowUpsController_snooze"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cadences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The cadences, by name */
        get: operations["CadencesController_list"];
        put?: never;
        /** Define a cadence: a unique name (409 when taken), steps (day offset in business days, channel, note) and what stops an enrolment early (replied, purchased, consent-withdrawn; default all) */
        post: operations["CadencesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cadences/{id}/enrolments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The cadence's enrolments (of one customer, if given): active, completed (every step done) or stopped (and why), each with its follow-ups */
        get: operations["CadencesController_enrolments"];
        put?: never;
        /** Start the cadence for a customer interaction knows (422 otherwise): one follow-up per step, due the step's business days later, for the assignee (default the caller; follow-up.created each); 409 when the customer runs it already */
        post: operations["CadencesController_enrol"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cadences/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A cadence: its steps and stop conditions */
        get: operations["CadencesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ImportErrorView: {
            /** @description The line of the upload (1 is the CSV header) */
            line: number;
            /** @description The column, or null for a line that could not be read */
            field: string | null;
            message: string;
        };
        ImportView: {
            /** Format: uuid */
            id: string;
            /**
             * @description What the file holds
             * @enum {string}
             */
            type: "customers" | "purchases";
            /** @enum {string} */
            format: "csv" | "ndjson";
            /** @enum {string} */
            status: "running" | "completed" | "failed";
            /** @description Rows read so far (the total once completed) */
            rowsTotal: number;
            rowsDone: number;
            rowsImported: number;
            /** @description Rows rejected: invalid, malformed or duplicates */
            rowsFailed: number;
            /** @description Purchase imports: rows of orders already recorded, left as they were (0 for customers) */
            rowsSkipped: number;
            error: string | null;
            /** Format: date-time */
            startedAt: string;
            /** Format: date-time */
            finishedAt: string | null;
            /** @description The first 1000 row errors, by line */
            errors: components["schemas"]["ImportErrorView"][];
        };
        ImportList: {
            /** @description Your 20 most recent imports (errors omitted) */
            items: components["schemas"]["ImportView"][];
        };
        PostalAddress: {
            /**
             * @description ISO 3166-1 alpha-2
             * @example CN
             */
            country?: string;
            /** @example 浙江省 */
            province?: string;
            /** @example 杭州市 */
            city?: string;
            /** @example 西湖区 */
            district?: string;
            /**
             * @description Masked for callers without pii:read
             * @example 龙井路 1 号
             */
            street?: string;
            /** @example 310000 */
            postcode?: string;
        };
        CustomerIdentifier: {
            /** @enum {string} */
            type: "wechat_openid" | "wechat_unionid" | "weibo_id" | "external";
            /**
             * @description Unique per type; masked for callers without pii:read
             * @example oAbC123
             */
            value: string;
        };
        ContactPerson: {
            /** @example 李娜 */
            name: string;
            /** @example 采购经理 */
            title?: string;
            /**
             * Format: phone
             * @description Any valid phone number of any country: international with its country code (+39 333 123 4567, +1 (415) 555-2671, +8613800138000) or national in the default region (PHONE_DEFAULT_REGION, CN unless configured: 138 0013 8000, 010 6552 9988); spaces, hyphens, dots and parentheses allowed; stored as E.164
             * @example 138 0013 8001
             */
            phone?: string;
            /**
             * Format: email
             * @example na.li@example.com
             */
            email?: string;
        };
        CreateCustomerAssignment: {
            /**
             * @description round-robin: the next member of the team in turn, skipping members at the holding cap
             * @example round-robin
             * @enum {string}
             */
            rule: "round-robin";
            /**
             * @description A team with a member list (PUT /api/v1/teams/{team}/members)
             * @example north
             */
            team: string;
        };
        CreateCustomerRequest: {
            /** @example 王小明 */
            name: string;
            /**
             * @default person
             * @enum {string}
             */
            kind?: "person" | "organisation";
            /** @enum {string} */
            gender?: "female" | "male" | "other" | "unknown";
            /**
             * Format: date
             * @example 1990-05-17
             */
            birthday?: string;
            /**
             * Format: email
             * @description The primary email; masked (x***@example.com) for callers without pii:read
             * @example xiaoming.wang@example.com
             */
            email?: string;
            /**
             * @description Further emails (trimmed, lower-cased)
             * @example [
             *       "xiaoming@work.example.com"
             *     ]
             */
            emails?: string[];
            /**
             * Format: phone
             * @description The primary phone. Any valid phone number of any country: international with its country code (+39 333 123 4567, +1 (415) 555-2671, +8613800138000) or national in the default region (PHONE_DEFAULT_REGION, CN unless configured: 138 0013 8000, 010 6552 9988); spaces, hyphens, dots and parentheses allowed; stored as E.164
             * @example +8613800138000
             */
            phone?: string;
            /**
             * @description Further phones. Any valid phone number of any country: international with its country code (+39 333 123 4567, +1 (415) 555-2671, +8613800138000) or national in the default region (PHONE_DEFAULT_REGION, CN unless configured: 138 0013 8000, 010 6552 9988); spaces, hyphens, dots and parentheses allowed; stored as E.164
             * @example [
             *       "010 6552 9988"
             *     ]
             */
            phones?: string[];
            addresses?: components["schemas"]["PostalAddress"][];
            identifiers?: components["schemas"]["CustomerIdentifier"][];
            /** @description Contact persons of an organisation */
            contacts?: components["schemas"]["ContactPerson"][];
            /** @enum {string} */
            sourceChannel?: "web_form" | "import" | "survey" | "social" | "sales" | "store" | "wechat";
            /**
             * @example [
             *       "vip",
             *       "茶友"
             *     ]
             */
            tags?: string[];
            /**
             * @example [
             *       "green tea"
             *     ]
             */
            interests?: string[];
            /**
             * @example {
             *       "language": "zh-CN",
             *       "contactTime": "evening"
             *     }
             */
            preferences?: {
                [key: string]: unknown;
            };
            notes?: string;
            /** @description Keyed by defined custom fields (GET /custom-fields), e.g. {"tier": "gold"}; each value checked against its definition */
            customFields?: {
                [key: string]: unknown;
            };
            /** @description Assign the new customer by rule (department clients, whose customers otherwise land in the public pool; admins; managers within their team). customer.created and ownership.changed are published together; a team without members gets 422 and nothing is written */
            assign?: components["schemas"]["CreateCustomerAssignment"];
        };
        ContactPersonView: {
            /** Format: uuid */
            id: string;
            name: string;
            title: string | null;
            phone: string | null;
            email: string | null;
        };
        CustomerView: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            kind: "person" | "organisation";
            name: string;
            email: string | null;
            phone: string | null;
            emails: string[];
            phones: string[];
            /** @enum {string|null} */
            gender: "female" | "male" | "other" | "unknown" | null;
            /** Format: date */
            birthday: string | null;
            addresses: components["schemas"]["PostalAddress"][];
            identifiers: components["schemas"]["CustomerIdentifier"][];
            contacts: components["schemas"]["ContactPersonView"][];
            sourceChannel: string | null;
            tags: string[];
            interests: string[];
            preferences: {
                [key: string]: unknown;
            };
            notes: string | null;
            customFields: {
                [key: string]: unknown;
            };
            /** @description null: the customer is in the public pool */
            ownerId: string | null;
            team: string | null;
            /**
             * @description The value tier of analytics' latest score; null: not scored yet
             * @enum {string|null}
             */
            valueTier?: "A" | "B" | "C" | null;
            /**
             * Format: date-time
             * @description The latest contact: a purchase or a logged interaction (call, mail, visit…); public-pool recycling counts from it. null: never contacted
             */
            lastContactAt?: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Send it back as If-Match or version to update */
            version: number;
        };
        CustomerPage: {
            items: components["schemas"]["CustomerView"][];
            /** @description Pass as cursor for the next page; null on the last page */
            nextCursor: string | null;
        };
        CustomerSearchHit: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            kind: "person" | "organisation";
            name: string;
            email: string | null;
            phone: string | null;
            emails: string[];
            phones: string[];
            /** @enum {string|null} */
            gender: "female" | "male" | "other" | "unknown" | null;
            /** Format: date */
            birthday: string | null;
            addresses: components["schemas"]["PostalAddress"][];
            identifiers: components["schemas"]["CustomerIdentifier"][];
            contacts: components["schemas"]["ContactPersonView"][];
            sourceChannel: string | null;
            tags: string[];
            interests: string[];
            preferences: {
                [key: string]: unknown;
            };
            notes: string | null;
            customFields: {
                [key: string]: unknown;
            };
            /** @description null: the customer is in the public pool */
            ownerId: string | null;
            team: string | null;
            /**
             * @description The value tier of analytics' latest score; null: not scored yet
             * @enum {string|null}
             */
            valueTier?: "A" | "B" | "C" | null;
            /**
             * Format: date-time
             * @description The latest contact: a purchase or a logged interaction (call, mail, visit…); public-pool recycling counts from it. null: never contacted
             */
            lastContactAt?: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Send it back as If-Match or version to update */
            version: number;
            /** @description Relevance: higher is better */
            score: number;
        };
        CustomerSearchPage: {
            items: components["schemas"]["CustomerSearchHit"][];
            nextCursor: string | null;
        };
        DuplicatePair: {
            /** Format: uuid */
            customerId: string;
            /** Format: uuid */
            duplicateOfId: string;
            matchedOn: string[];
            /** Format: date-time */
            detectedAt: string;
        };
        DuplicatePairList: {
            items: components["schemas"]["DuplicatePair"][];
            nextCursor: string | null;
        };
        UpdateCustomerRequest: {
            /** @example 王小明 */
            name?: string;
            /**
             * @default person
             * @enum {string}
             */
            kind?: "person" | "organisation";
            /** @enum {string} */
            gender?: "female" | "male" | "other" | "unknown";
            /**
             * Format: date
             * @example 1990-05-17
             */
            birthday?: string;
            /**
             * Format: email
             * @description The primary email; masked (x***@example.com) for callers without pii:read
             * @example xiaoming.wang@example.com
             */
            email?: string;
            /**
             * @description Further emails (trimmed, lower-cased)
             * @example [
             *       "xiaoming@work.example.com"
             *     ]
             */
            emails?: string[];
            /**
             * Format: phone
             * @description The primary phone. Any valid phone number of any country: international with its country code (+39 333 123 4567, +1 (415) 555-2671, +8613800138000) or national in the default region (PHONE_DEFAULT_REGION, CN unless configured: 138 0013 8000, 010 6552 9988); spaces, hyphens, dots and parentheses allowed; stored as E.164
             * @example +8613800138000
             */
            phone?: string;
            /**
             * @description Further phones. Any valid phone number of any country: international with its country code (+39 333 123 4567, +1 (415) 555-2671, +8613800138000) or national in the default region (PHONE_DEFAULT_REGION, CN unless configured: 138 0013 8000, 010 6552 9988); spaces, hyphens, dots and parentheses allowed; stored as E.164
             * @example [
             *       "010 6552 9988"
             *     ]
             */
            phones?: string[];
            addresses?: components["schemas"]["PostalAddress"][];
            identifiers?: components["schemas"]["CustomerIdentifier"][];
            /** @description Contact persons of an organisation */
            contacts?: components["schemas"]["ContactPerson"][];
            /** @enum {string} */
            sourceChannel?: "web_form" | "import" | "survey" | "social" | "sales" | "store" | "wechat";
            /**
             * @example [
             *       "vip",
             *       "茶友"
             *     ]
             */
            tags?: string[];
            /**
             * @example [
             *       "green tea"
             *     ]
             */
            interests?: string[];
            /**
             * @example {
             *       "language": "zh-CN",
             *       "contactTime": "evening"
             *     }
             */
            preferences?: {
                [key: string]: unknown;
            };
            notes?: string;
            /** @description Keyed by defined custom fields (GET /custom-fields), e.g. {"tier": "gold"}; each value checked against its definition */
            customFields?: {
                [key: string]: unknown;
            };
            /**
             * @description The version the change is based on (alternative to If-Match)
             * @example 3
             */
            version?: number;
        };
        MergeCustomersRequest: {
            /**
             * Format: uuid
             * @description The customer merged into the one of the path (it becomes a tombstone that redirects reads)
             */
            sourceId: string;
        };
        ErasureKeptItem: {
            /** @example purchases, their lines, refunds and totals under the anonymous customer id */
            what: string;
            /** @example accounting and tax law require order records; without the person they are no longer personal data */
            why: string;
        };
        ErasureServiceStateView: {
            /** @example loyalty */
            service: string;
            /** @enum {string} */
            state: "pending" | "acknowledged";
            /**
             * Format: date-time
             * @description When the service erased its part (null while pending)
             */
            acknowledgedAt: string | null;
            /**
             * @description What the service removed or anonymised, counted by kind (null while pending)
             * @example {
             *       "movements": 4,
             *       "lots": 1
             *     }
             */
            removed: {
                [key: string]: number;
            } | null;
            /** @description What the service keeps, and why the law lets or makes it (null while pending) */
            kept: components["schemas"]["ErasureKeptItem"][] | null;
        };
        ErasureView: {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The erased customer: an anonymous key now (reads of it answer 404)
             */
            customerId: string;
            /**
             * @description Who asked for the erasure
             * @example agent1
             */
            requestedBy: string;
            /** Format: date-time */
            requestedAt: string;
            /**
             * @description completed once every expected service has acknowledged
             * @enum {string}
             */
            state: "open" | "completed";
            /** Format: date-time */
            completedAt: string | null;
            /** @description Every service the request waits for (the subject-rights participants when it was made), then any other that acknowledged */
            services: components["schemas"]["ErasureServiceStateView"][];
        };
        ExportSourceView: {
            /**
             * @description The service that holds these sections
             * @example loyalty
             */
            service: string;
            /**
             * Format: date-time
             * @description When the service read them
             */
            readAt: string;
            /**
             * @description The keys of `sections` it answered
             * @example [
             *       "loyaltyAccount",
             *       "pointsLedger"
             *     ]
             */
            sections: string[];
        };
        SubjectAccessExport: {
            /** Format: date-time */
            exportedAt: string;
            /**
             * Format: uuid
             * @description The customer exported: the survivor when the id asked for was merged
             */
            customerId: string;
            /** @description The profile, unmasked (the same as sections.profile; kept for existing clients) */
            customer: components["schemas"]["CustomerView"];
            /** @description One entry per kind of data held, whichever service holds it: profile, consents, duplicateCandidates, segmentMemberships, purchases (lines, refunds), ownershipHistory, lifecycleHistory (customer-profile); loyaltyAccount, pointsLedger, pointLots, purchasePoints, redemptions, coupons, referrals (loyalty) */
            sections: {
                [key: string]: unknown;
            };
            /** @description Which service answered which sections, and when it read them; every participating service is listed */
            sources: components["schemas"]["ExportSourceView"][];
        };
        RecordConsentRequest: {
            /** @enum {string} */
            channel: "email" | "sms" | "phone" | "wechat";
            /** @enum {string} */
            purpose: "marketing" | "service" | "analytics";
            /** @description true = granted, false = withdrawn */
            granted: boolean;
            /**
             * @description Where the consent was given or withdrawn
             * @example web_form:newsletter-signup
             */
            source: string;
            /**
             * @default consent
             * @enum {string}
             */
            legalBasis?: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_interest" | "publicly_disclosed" | "other_law";
            /** @description When it happened (default: now): an ISO 8601 date-time with an offset, seconds optional */
            occurredAt?: string;
        };
        ConsentView: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            channel: "email" | "sms" | "phone" | "wechat";
            /** @enum {string} */
            purpose: "marketing" | "service" | "analytics";
            granted: boolean;
            source: string;
            /** @enum {string} */
            legalBasis: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_interest" | "publicly_disclosed" | "other_law";
            /** Format: date-time */
            occurredAt: string;
            /** Format: date-time */
            recordedAt: string;
            recordedBy: string;
        };
        ConsentOverview: {
            /** @description The latest record per channel and purpose */
            current: components["schemas"]["ConsentView"][];
            /** @description Every grant and withdrawal, newest first */
            history: components["schemas"]["ConsentView"][];
        };
        CustomFieldDefinitionRequest: {
            /** @example tier */
            key: string;
            /** @example 会员等级 */
            label?: string;
            /** @enum {string} */
            type: "string" | "number" | "boolean" | "date" | "enum";
            /** @default false */
            required?: boolean;
            /**
             * @description Required for type enum, refused otherwise
             * @example [
             *       "gold",
             *       "silver"
             *     ]
             */
            allowedValues?: string[];
        };
        CustomFieldDefinitionView: {
            key: string;
            label: string | null;
            /** @enum {string} */
            type: "string" | "number" | "boolean" | "date" | "enum";
            required: boolean;
            allowedValues: string[];
            /** Format: date-time */
            createdAt: string;
        };
        CustomFieldDefinitionList: {
            items: components["schemas"]["CustomFieldDefinitionView"][];
        };
        ErasureReceiptView: {
            /** Format: uuid */
            erasureId: string;
            /**
             * @description The receipt: a compact JWS (RFC 7515; ES256 or EdDSA, `kid` in the header, `typ` `erasure-receipt+jws`) whose payload is JSON: `iss`, `erasureId`, `customerId`, `requestedBy`, `requestedAt`, `completedAt`, `issuedAt` and `services` (per service: `service`, `acknowledgedAt`, `removed`, `kept`). Verify it with any JOSE library against the JWKS at `jwksUri`
             * @example eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.eyJlcmFzdXJlSWQiOiIuLi4ifQ.c2lnbmF0dXJl
             */
            jws: string;
            /**
             * @description The id of the key that signed it, in the JWKS
             * @example CbZQ…
             */
            kid: string;
            /**
             * @description Where the public keys are published (public, no token needed)
             * @example /api/v1/erasures/jwks.json
             */
            jwksUri: string;
        };
        MissingPartView: {
            /** @example loyalty */
            part: string;
            /** @example loyalty did not answer in time */
            reason: string;
        };
        Customer360View: {
            /** Format: uuid */
            customerId: string;
            profile: components["schemas"]["CustomerView"];
            /** @description Loyalty membership */
            loyalty: Record<string, never> | null;
            interactions: Record<string, never> | null;
            tickets: Record<string, never> | null;
            /** @description Follow-ups not done yet (open, snoozed, overdue) */
            followUps: Record<string, never> | null;
            /** @description The latest survey answers: scores (NPS, CSAT, ratings), not words */
            surveys: Record<string, never> | null;
            analytics: Record<string, never> | null;
            /** @description Parts left out of a partial answer, and why */
            missing: components["schemas"]["MissingPartView"][];
        };
        CustomerCountView: {
            /** @example 42 */
            count: number;
        };
        ScoreInputsView: {
            /**
             * @description Whole days from the last purchase to computedAt
             * @example 2
             */
            recencyDays: number;
            /**
             * @description Number of purchases
             * @example 3
             */
            frequency: number;
            /**
             * @description Net value in the base currency: purchases minus refunds
             * @example 612.00
             */
            monetary: string;
            /** @example 2026-12-02T08:00:00.000Z */
            lastPurchaseAt: string;
        };
        ScoreCutPointsView: {
            /**
             * @description Recency quintile cut points in days: 5, one less for each cut point the days are above
             * @example [
             *       3,
             *       9,
             *       21,
             *       40
             *     ]
             */
            recencyDays: number[];
            /**
             * @description Frequency quintile cut points
             * @example [
             *       1,
             *       1,
             *       2,
             *       3
             *     ]
             */
            frequency: number[];
            /**
             * @example [
             *       "88.00",
             *       "177.00",
             *       "320.00",
             *       "540.00"
             *     ]
             */
            monetary: string[];
        };
        TierCutView: {
            /**
             * @description Share of total value tier A makes up (ANALYTICS_TIER_A_SHARE)
             * @example 0.8
             */
            aShare: number;
            /**
             * @description Cumulative share up to which customers are B (ANALYTICS_TIER_B_SHARE)
             * @example 0.95
             */
            bShare: number;
            /**
             * @description Total positive value of all customers with purchases
             * @example 4382
             */
            totalValue: number;
            /**
             * @description Lowest value still A
             * @example 540
             */
            aMinValue: number | null;
            /**
             * @description Lowest value still B
             * @example 120
             */
            bMinValue: number | null;
        };
        CustomerScoresView: {
            /** Format: uuid */
            customerId: string;
            /** @example 5 */
            recency: number;
            /** @example 3 */
            frequency: number;
            /** @example 4 */
            monetary: number;
            /**
             * @example A
             * @enum {string}
             */
            valueTier: "A" | "B" | "C";
            inputs: components["schemas"]["ScoreInputsView"];
            cutPoints: components["schemas"]["ScoreCutPointsView"];
            tier: components["schemas"]["TierCutView"];
            /** @example 2026-12-04T10:00:00.000Z */
            computedAt: string;
            /**
             * @description 'incremental' (a purchase or refund) or 'run:<run id>'
             * @example incremental
             */
            computedBy: string;
        };
        AuditEntryView: {
            id: number;
            /** Format: date-time */
            at: string;
            actor: string;
            clientId?: string;
            roles: string[];
            /** @example customer.read */
            action: string;
            /**
             * @description One of customer, segment, team, programme, reward, coupon, custom-field, exchange-rate, business-calendar, sla-policy, survey, campaign
             * @example customer
             */
            resourceType: string;
            resourceId?: string;
            piiUnmasked: boolean;
            status: number;
            traceId?: string;
            requestId?: string;
            /**
             * @description How many customers the entry is about: whose personal data a list, search or export handed out (1 for a single customer); their ids are at /api/v1/admin/audit/{auditId}/subjects
             * @example 25
             */
            subjectCount: number;
        };
        AuditPage: {
            items: components["schemas"]["AuditEntryView"][];
            /** @description Pass as `before` for the next page */
            nextCursor?: number;
        };
        AuditSubjectsPage: {
            /** @description Customer ids, in id order */
            items: string[];
            /**
             * Format: uuid
             * @description Pass as `after` for the next page
             */
            nextCursor?: string;
        };
        PurchaseLineRequest: {
            /** @example TEA-001 */
            sku: string;
            /** @example 西湖龙井 */
            name?: string;
            /** @example tea */
            category?: string;
            /**
             * @description Positive, at most 3 decimals
             * @example 2
             */
            quantity: number;
            /** @description Decimal, at most 4 decimals */
            unitPrice: string | number;
        };
        RecordPurchaseRequest: {
            /**
             * @description Unique: a replay returns the purchase already recorded
             * @example SO-2026-000123
             */
            externalOrderId: string;
            /**
             * @description ISO 4217; needs an exchange rate to the base currency
             * @example CNY
             */
            currency: string;
            /** @example store */
            channel?: string;
            /**
             * Format: date-time
             * @example 2026-11-20T10:15:00+08:00
             */
            occurredAt: string;
            lines: components["schemas"]["PurchaseLineRequest"][];
        };
        PurchaseLineView: {
            lineNo: number;
            sku: string;
            name: string | null;
            category: string | null;
            quantity: number;
            /** @example 88.50 */
            unitPrice: string;
            /** @example 177.00 */
            lineTotal: string;
            refundedQuantity: number;
        };
        RefundView: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            purchaseId: string;
            /** Format: uuid */
            customerId: string;
            currency: string;
            /** @example 50.00 */
            amount: string;
            baseCurrency: string;
            /** @example 50.00 */
            amountBase: string;
            reason: string;
            /** Format: date-time */
            createdAt: string;
        };
        PurchaseView: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            customerId: string;
            externalOrderId: string;
            channel: string | null;
            currency: string;
            /** @example 177.00 */
            total: string;
            /** @example CNY */
            baseCurrency: string;
            /** @example 177.00 */
            totalBase: string;
            /** @example 0.00 */
            refunded: string;
            /** @example 0.00 */
            refundedBase: string;
            /** Format: date-time */
            occurredAt: string;
            /** Format: date-time */
            recordedAt: string;
            lines: components["schemas"]["PurchaseLineView"][];
            refunds: components["schemas"]["RefundView"][];
        };
        PurchasePage: {
            items: components["schemas"]["PurchaseView"][];
            nextCursor: string | null;
        };
        RefundLineRequest: {
            /**
             * @description The line number (lineNo) in the purchase
             * @example 1
             */
            lineNo: number;
            /** @example 1 */
            quantity: number;
        };
        RecordRefundRequest: {
            /** @description Decimal, at most 4 decimals */
            amount?: string | number;
            lines?: components["schemas"]["RefundLineRequest"][];
            /** @example damaged on delivery */
            reason: string;
        };
        CurrencyTotalView: {
            currency: string;
            purchaseCount: number;
            /** @example 177.00 */
            total: string;
            /** @example 0.00 */
            refunded: string;
            /** @example 177.00 */
            net: string;
        };
        PurchaseTotalsView: {
            /** Format: uuid */
            customerId: string;
            /** @example CNY */
            baseCurrency: string;
            purchaseCount: number;
            /** @example 177.00 */
            totalBase: string;
            /** @example 0.00 */
            refundedBase: string;
            /** @example 177.00 */
            netBase: string;
            /** Format: date-time */
            firstPurchaseAt: string | null;
            /** Format: date-time */
            lastPurchaseAt: string | null;
            byCurrency: components["schemas"]["CurrencyTotalView"][];
        };
        ExchangeRateView: {
            /** @example USD */
            currency: string;
            /** @example CNY */
            baseCurrency: string;
            /** @example 7.1 */
            rate: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ExchangeRateList: {
            items: components["schemas"]["ExchangeRateView"][];
        };
        PutExchangeRateRequest: {
            /** @description Units of the base currency per unit of this currency */
            rate: string | number;
        };
        AssignOwnerRequest: {
            /**
             * @description The user id (token subject) of the new owner
             * @example agent1
             */
            ownerId: string;
            /** @example north */
            team: string;
            /** @example territory change */
            reason: string;
        };
        OwnershipChangeView: {
            /** @enum {string} */
            change: "assigned" | "transferred" | "claimed" | "released" | "recycled";
            ownerId: string | null;
            team: string | null;
            previousOwnerId: string | null;
            reason: string | null;
            changedBy: string | null;
            /** Format: date-time */
            changedAt: string;
        };
        OwnershipView: {
            /** Format: uuid */
            customerId: string;
            /** @description null: in the public pool */
            ownerId: string | null;
            team: string | null;
            lastChange: components["schemas"]["OwnershipChangeView"];
        };
        AssignByRuleRequest: {
            /**
             * @description round-robin: the next member of the team in turn, skipping members at the holding cap
             * @example round-robin
             * @enum {string}
             */
            rule: "round-robin";
            /** @example north */
            team: string;
            /** @example new lead from the web form */
            reason?: string;
        };
        TeamView: {
            /** @example north */
            team: string;
            /** @description Members in round-robin order */
            userIds: string[];
            /** @description The member the next round-robin assignment tries first */
            nextUserId: string | null;
            /** Format: date-time */
            updatedAt: string | null;
            updatedBy: string | null;
        };
        TeamMembersRequest: {
            /**
             * @description User ids (token subjects) in round-robin order; replaces the list
             * @example [
             *       "agent1",
             *       "north-rep-2"
             *     ]
             */
            userIds: string[];
        };
        ReleaseToPoolRequest: {
            /** @example no budget this year */
            reason: string;
        };
        ClaimFromPoolRequest: {
            /** @example met at the trade fair */
            reason?: string;
        };
        OwnershipHistoryView: {
            /** Format: uuid */
            customerId: string;
            items: components["schemas"]["OwnershipChangeView"][];
        };
        JobResultView: {
            /** @description How many customers the run changed (0 when run again) */
            changed: number;
            customerIds: string[];
        };
        ChangeLifecycleRequest: {
            /** @enum {string} */
            stage: "prospect" | "new" | "active" | "loyal" | "at_risk" | "churned" | "won_back";
            /** @example signed the annual contract */
            reason: string;
        };
        LifecycleChangeView: {
            /** @enum {string|null} */
            from: "prospect" | "new" | "active" | "loyal" | "at_risk" | "churned" | "won_back" | null;
            /** @enum {string} */
            to: "prospect" | "new" | "active" | "loyal" | "at_risk" | "churned" | "won_back";
            reason: string;
            /** @description false: set by hand */
            automatic: boolean;
            changedBy: string | null;
            /** Format: date-time */
            changedAt: string;
        };
        LifecycleView: {
            /** Format: uuid */
            customerId: string;
            /** @enum {string} */
            stage: "prospect" | "new" | "active" | "loyal" | "at_risk" | "churned" | "won_back";
            /** Format: date-time */
            changedAt: string | null;
            history: components["schemas"]["LifecycleChangeView"][];
            /**
             * @description The value tier from analytics' latest score; null: not scored yet
             * @enum {string|null}
             */
            valueTier?: "A" | "B" | "C" | null;
            /** @description Churn risk (0–1) of the latest score */
            churnRisk?: number | null;
            /**
             * Format: date-time
             * @description When analytics scored the customer (the latest applied score)
             */
            scoredAt?: string | null;
        };
        RedemptionView: {
            /** Format: uuid */
            redemptionId: string;
            /** Format: uuid */
            customerId: string;
            /**
             * @description The points are spent
             * @enum {string}
             */
            status: "confirmed";
            /** @example 500 */
            points: number;
            /**
             * @description Balance after the redemption
             * @example 1200
             */
            balance: number;
            /** Format: uuid */
            rewardId: string | null;
            /**
             * @description Single-use coupon for a reward
             * @example RP-3F9A0C1B2D4E
             */
            couponCode: string | null;
            /**
             * Format: date-time
             * @description The coupon can be used until then
             */
            couponValidUntil: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        RedemptionHoldView: {
            /** Format: uuid */
            redemptionId: string;
            /** Format: uuid */
            customerId: string;
            /** @enum {string} */
            status: "reserved";
            /**
             * @description Points held (a reward’s price)
             * @example 500
             */
            points: number;
            /** Format: uuid */
            rewardId: string | null;
            /**
             * @description Points the member can still spend or hold
             * @example 700
             */
            available: number;
            /**
             * Format: date-time
             * @description Released unless confirmed or cancelled before then
             */
            expiresAt: string;
            /** Format: date-time */
            createdAt: string;
        };
        ExpiringPointsView: {
            /** @example 120 */
            points: number;
            /** @example 30 */
            withinDays: number;
            /**
             * Format: date-time
             * @description When the next lot expires
             */
            nextExpiry: string | null;
        };
        TierChangeView: {
            from: string | null;
            to: string | null;
            reason: string;
            /** Format: date-time */
            changedAt: string;
        };
        MemberView: {
            /** Format: uuid */
            customerId: string;
            /** @example person */
            kind: string;
            /** @example 1200 */
            balance: number;
            /**
             * @description Points that can be spent or held: the balance less running holds
             * @example 700
             */
            available: number;
            /**
             * @description Points set aside by running redemption holds (not yet spent)
             * @example 500
             */
            held: number;
            /**
             * @description null below the first tier
             * @example gold
             */
            tier: string | null;
            /**
             * Format: date-time
             * @description The tier is reviewed (kept or lowered) then
             */
            tierPeriodEndsAt: string | null;
            expiringSoon: components["schemas"]["ExpiringPointsView"];
            tierHistory: components["schemas"]["TierChangeView"][];
            erased: boolean;
            /** Format: date-time */
            createdAt: string;
        };
        StatementLineView: {
            /** Format: uuid */
            movementId: string;
            /** @enum {string} */
            kind: "earn" | "redeem" | "expire" | "reverse" | "adjust" | "merge";
            /**
             * @description Signed change of the balance
             * @example -500
             */
            points: number;
            /**
             * @description Running balance after this movement
             * @example 700
             */
            balanceAfter: number;
            /**
             * @description Points a reversal could not take back
             * @example 0
             */
            shortfall: number;
            reason: string | null;
            /** @example purchase:6d4015a7-… */
            sourceId: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        StatementView: {
            /** Format: uuid */
            customerId: string;
            /** @example 700 */
            balance: number;
            /** @description Newest first */
            items: components["schemas"]["StatementLineView"][];
            /** @description Pass as `before` for the next page; null on the last */
            nextCursor: string | null;
        };
        RedemptionRequest: {
            /**
             * @description A plain points redemption
             * @example 500
             */
            points?: number;
            /**
             * Format: uuid
             * @description Redeem a reward from the catalogue at its points price
             */
            rewardId?: string;
            /**
             * @description true: only reserve (points held, a reward taken from stock) until POST …/redemptions/{redemptionId}/confirm or /cancel, or until the hold expires (LOYALTY_HOLD_MINUTES, default 15)
             * @default false
             */
            hold?: boolean;
        } & (unknown | unknown);
        RedemptionStatusView: {
            /** Format: uuid */
            redemptionId: string;
            /** Format: uuid */
            customerId: string;
            /** @enum {string} */
            status: "reserved" | "confirmed" | "cancelled" | "expired";
            /** @example 500 */
            points: number;
            /** Format: uuid */
            rewardId: string | null;
            /**
             * Format: uuid
             * @description The ledger movement, once confirmed
             */
            movementId: string | null;
            /**
             * Format: date-time
             * @description When a hold runs out (null for a redemption confirmed at once)
             */
            expiresAt: string | null;
            couponCode: string | null;
            /** Format: date-time */
            couponValidUntil: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            confirmedAt: string | null;
            /**
             * Format: date-time
             * @description When a hold was cancelled or expired
             */
            releasedAt: string | null;
        };
        AdjustmentRequest: {
            /**
             * @description Positive credits a new lot; negative debits oldest first (never below zero)
             * @example -200
             */
            points: number;
            /** @example Goodwill for the late delivery of order 1234 */
            reason: string;
        };
        AdjustmentView: {
            /** Format: uuid */
            movementId: string;
            /** @example 1000 */
            balance: number;
        };
        ReferralCodeView: {
            /** Format: uuid */
            customerId: string;
            /**
             * @description Hand it to friends; they register it before their first purchase
             * @example 9F3A0C1B2D
             */
            code: string;
        };
        RegisterReferralRequest: {
            /** @example 9F3A0C1B2D */
            code: string;
        };
        ReferralView: {
            /** Format: uuid */
            referredId: string;
            /** Format: uuid */
            referrerId: string;
            /** @enum {string} */
            status: "pending" | "completed";
            /** Format: date-time */
            createdAt: string;
        };
        RewardView: {
            /** Format: uuid */
            id: string;
            name: string;
            description: string | null;
            pointsPrice: number;
            /** @description null: unlimited */
            stock: number | null;
            /** Format: date-time */
            validFrom: string | null;
            /** Format: date-time */
            validUntil: string | null;
            minTier: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        RewardListView: {
            items: components["schemas"]["RewardView"][];
            nextCursor: string | null;
        };
        CreateRewardRequest: {
            /** @example Coffee voucher */
            name: string;
            description?: string;
            /** @example 500 */
            pointsPrice: number;
            /**
             * @description Omit for unlimited stock
             * @example 100
             */
            stock?: number;
            /**
             * Format: date-time
             * @example 2026-12-01T00:00:00Z
             */
            validFrom?: string;
            /**
             * Format: date-time
             * @description After validFrom
             * @example 2027-01-01T00:00:00Z
             */
            validUntil?: string;
            /**
             * @description Only members of this tier or higher may redeem
             * @example gold
             */
            minTier?: string;
        };
        CouponUseView: {
            /** @example RP-3F9A0C1B2D4E */
            code: string;
            /** Format: uuid */
            customerId: string;
            /** Format: uuid */
            rewardId: string;
            /** Format: date-time */
            usedAt: string;
        };
        ProgrammeView: {
            /** @description Earn rules, validity and tiers (see the README) */
            config: Record<string, never>;
            version: number;
            /** Format: date-time */
            updatedAt: string;
        };
        UpdateProgrammeRequest: {
            /**
             * @description The version you read; a stale one gets 412
             * @example 3
             */
            version: number;
            /**
             * @example {
             *       "pointsPerUnit": 2,
             *       "campaigns": [
             *         {
             *           "name": "Double points week",
             *           "from": "2026-12-01T00:00:00Z",
             *           "until": "2026-12-08T00:00:00Z",
             *           "multiplierPct": 200
             *         }
             *       ]
             *     }
             */
            config: Record<string, never>;
        };
        ExpiryRunRequest: {
            /**
             * Format: date-time
             * @description Expire as of this instant (default: now); lets operators catch up or rehearse
             */
            asOf?: string;
        };
        ExpiryRunView: {
            /** Format: date-time */
            asOf: string;
            /** @description Members whose points expired in this run */
            members: number;
            /** @description Points expired in this run */
            points: number;
            /** @description Redemption holds that ran out by asOf and were released in this run */
            holdsReleased: number;
            /** @description Members whose tier period ended and were reviewed */
            tiersReviewed: number;
            tiersChanged: number;
        };
        ReconciliationView: {
            /** @description True when every check below holds */
            ok: boolean;
            /** @description Sum of all ledger entries (double entry: 0) */
            entriesSum: number;
            /** @description Movements whose two entries do not balance or do not match the movement */
            unbalancedMovements: number;
            /** @description Credit balance of the member_liability account */
            liabilityTotal: number;
            /** @description Sum of the members’ balances */
            balanceTotal: number;
            /** @description Sum of all movements */
            movementsTotal: number;
            /** @description Sum of what is left in the lots */
            lotsTotal: number;
            negativeLots: number;
            /** @description Members whose balance differs from their liability, movements or lots */
            mismatchedMembers: number;
            /** @description Points refunds could not take back */
            shortfallTotal: number;
            /**
             * @example {
             *       "member_liability": -1200,
             *       "points_expense": 1500,
             *       "redemptions": -300
             *     }
             */
            accounts: Record<string, never>;
        };
        CreateSegmentRequest: {
            /** @example 杭州茶友 高价值 */
            name: string;
            description?: string;
            /**
             * @description dynamic: members computed from the definition; static: members added by hand
             * @default dynamic
             * @enum {string}
             */
            kind?: "dynamic" | "static";
            /**
             * @description Required for a dynamic segment, absent for a static list. Conditions combined with AND (or OR with match "any"); a condition is {field, op, value} or a group {any: [...]} / {all: [...]}. Fields: kind, gender, sourceChannel, lifecycleStage, valueTier, ownerId, team, inPool, tags, country, province, city, birthday, createdAt, purchaseCount, totalSpent (base currency, net of refunds), lastPurchaseAt, customFields.<key>. Operators: eq, neq, in, notIn, gte, lte, between ([from, to]), hasAny, hasAll, hasNone (tags), withinDays, notWithinDays (timestamps).
             * @example {
             *       "match": "all",
             *       "conditions": [
             *         {
             *           "field": "tags",
             *           "op": "hasAny",
             *           "value": [
             *             "茶友"
             *           ]
             *         },
             *         {
             *           "field": "city",
             *           "op": "in",
             *           "value": [
             *             "杭州市",
             *             "上海市"
             *           ]
             *         },
             *         {
             *           "any": [
             *             {
             *               "field": "purchaseCount",
             *               "op": "gte",
             *               "value": 3
             *             },
             *             {
             *               "field": "totalSpent",
             *               "op": "gte",
             *               "value": 1000
             *             }
             *           ]
             *         },
             *         {
             *           "field": "lastPurchaseAt",
             *           "op": "withinDays",
             *           "value": 90
             *         }
             *       ]
             *     }
             */
            definition?: {
                [key: string]: unknown;
            };
        };
        SegmentView: {
            /** Format: uuid */
            id: string;
            name: string;
            description: string | null;
            /** @enum {string} */
            kind: "dynamic" | "static";
            /**
             * @description null for a static list
             * @example {
             *       "match": "all",
             *       "conditions": [
             *         {
             *           "field": "tags",
             *           "op": "hasAny",
             *           "value": [
             *             "茶友"
             *           ]
             *         },
             *         {
             *           "field": "city",
             *           "op": "in",
             *           "value": [
             *             "杭州市",
             *             "上海市"
             *           ]
             *         },
             *         {
             *           "any": [
             *             {
             *               "field": "purchaseCount",
             *               "op": "gte",
             *               "value": 3
             *             },
             *             {
             *               "field": "totalSpent",
             *               "op": "gte",
             *               "value": 1000
             *             }
             *           ]
             *         },
             *         {
             *           "field": "lastPurchaseAt",
             *           "op": "withinDays",
             *           "value": 90
             *         }
             *       ]
             *     }
             */
            definition: {
                [key: string]: unknown;
            } | null;
            /** @description The user who created it */
            ownerId: string;
            team: string | null;
            /** @description Whether the caller may change or delete it */
            writable: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Send it back as If-Match or version to update */
            version: number;
        };
        SegmentList: {
            items: components["schemas"]["SegmentView"][];
        };
        PreviewSegmentRequest: {
            /**
             * @description Conditions combined with AND (or OR with match "any"); a condition is {field, op, value} or a group {any: [...]} / {all: [...]}. Fields: kind, gender, sourceChannel, lifecycleStage, valueTier, ownerId, team, inPool, tags, country, province, city, birthday, createdAt, purchaseCount, totalSpent (base currency, net of refunds), lastPurchaseAt, customFields.<key>. Operators: eq, neq, in, notIn, gte, lte, between ([from, to]), hasAny, hasAll, hasNone (tags), withinDays, notWithinDays (timestamps).
             * @example {
             *       "match": "all",
             *       "conditions": [
             *         {
             *           "field": "tags",
             *           "op": "hasAny",
             *           "value": [
             *             "茶友"
             *           ]
             *         },
             *         {
             *           "field": "city",
             *           "op": "in",
             *           "value": [
             *             "杭州市",
             *             "上海市"
             *           ]
             *         },
             *         {
             *           "any": [
             *             {
             *               "field": "purchaseCount",
             *               "op": "gte",
             *               "value": 3
             *             },
             *             {
             *               "field": "totalSpent",
             *               "op": "gte",
             *               "value": 1000
             *             }
             *           ]
             *         },
             *         {
             *           "field": "lastPurchaseAt",
             *           "op": "withinDays",
             *           "value": 90
             *         }
             *       ]
             *     }
             */
            definition: {
                [key: string]: unknown;
            };
            /** @default 20 */
            limit?: number;
        };
        SegmentPreview: {
            /** @description Members the caller may see */
            count: number;
            /** @description The first page; PII masked without pii:read */
            items: components["schemas"]["CustomerView"][];
        };
        UpdateSegmentRequest: {
            name?: string;
            description?: string | null;
            /**
             * @description Dynamic segments only
             * @example {
             *       "match": "all",
             *       "conditions": [
             *         {
             *           "field": "tags",
             *           "op": "hasAny",
             *           "value": [
             *             "茶友"
             *           ]
             *         },
             *         {
             *           "field": "city",
             *           "op": "in",
             *           "value": [
             *             "杭州市",
             *             "上海市"
             *           ]
             *         },
             *         {
             *           "any": [
             *             {
             *               "field": "purchaseCount",
             *               "op": "gte",
             *               "value": 3
             *             },
             *             {
             *               "field": "totalSpent",
             *               "op": "gte",
             *               "value": 1000
             *             }
             *           ]
             *         },
             *         {
             *           "field": "lastPurchaseAt",
             *           "op": "withinDays",
             *           "value": 90
             *         }
             *       ]
             *     }
             */
            definition?: {
                [key: string]: unknown;
            };
            /** @description The version read; a stale one gets 412 (alternative: If-Match) */
            version?: number;
        };
        SegmentMembersRequest: {
            customerIds: string[];
        };
        SegmentMembersAdded: {
            added: string[];
            alreadyMembers: string[];
            /** @description Unknown, erased, merged or not visible to the caller: nothing done */
            notFound: string[];
        };
        SegmentMembersRemoved: {
            removed: string[];
            notMembers: string[];
            /** @description Unknown, erased, merged or not visible to the caller: nothing done */
            notFound: string[];
        };
        CreateTicketRequest: {
            /**
             * Format: uuid
             * @description A customer service-desk knows (from customer events); unknown: 422
             */
            customerId: string;
            /**
             * @example complaint
             * @enum {string}
             */
            type: "complaint" | "inquiry" | "request" | "feedback";
            /**
             * @description Where the ticket came in
             * @example phone
             * @enum {string}
             */
            channel: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "visit" | "web-form";
            /** @example Order 1234 arrived damaged */
            subject: string;
            /**
             * @description The customer's words: personal data (masked without pii:read, audited when read)
             * @example The box was crushed and the kettle inside is dented.
             */
            description: string;
            /**
             * @default normal
             * @enum {string}
             */
            priority?: "low" | "normal" | "high" | "urgent";
            /** @example delivery */
            category?: string;
            /**
             * @description A user id; absent: unassigned (the team pool)
             * @example agent1
             */
            assignee?: string;
            /**
             * @description The team that handles it; default the caller's team (required for a caller without one)
             * @example north
             */
            team?: string;
            /**
             * Format: date-time
             * @description When the customer raised it (with an offset); not in the future; default now
             * @example 2026-12-04T09:30:00+08:00
             */
            receivedAt?: string;
        };
        TicketCsatView: {
            /**
             * @description Which resolution was rated (1 the first, 2 after a reopening, …)
             * @example 1
             */
            resolution: number;
            /** @example 4 */
            rating: number;
            /** @description The customer's comment (masked without pii:read) */
            comment: string | null;
            /** Format: date-time */
            submittedAt: string;
        };
        TicketView: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            customerId: string;
            /** @enum {string} */
            type: "complaint" | "inquiry" | "request" | "feedback";
            /** @enum {string} */
            channel: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "visit" | "web-form";
            /** @description Masked without pii:read */
            subject: string;
            /** @description Masked without pii:read */
            description: string;
            /** @enum {string} */
            priority: "low" | "normal" | "high" | "urgent";
            category: string | null;
            /** @description A user id; null: unassigned (team pool) */
            assignee: string | null;
            /** @example north */
            team: string;
            /**
             * @description The queue routing put it in (VIP customers: vip; else the first matching queue; else general)
             * @example general
             */
            queue: string | null;
            /** @description The customer was a VIP when it came in: such tickets are listed first */
            vip: boolean;
            /** @enum {string} */
            status: "received" | "acknowledged" | "investigating" | "pending-customer" | "resolved" | "reopened" | "closed";
            /** @description Where POST …/transitions may move it now */
            allowedTransitions: ("received" | "acknowledged" | "investigating" | "pending-customer" | "resolved" | "reopened" | "closed")[];
            /**
             * @description Also the ETag ("1"): send it as If-Match on PATCH
             * @example 1
             */
            version: number;
            /** Format: date-time */
            receivedAt: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            firstRepliedAt: string | null;
            /** Format: date-time */
            resolvedAt: string | null;
            /** Format: date-time */
            closedAt: string | null;
            /** @example 0 */
            reopenedCount: number;
            /**
             * Format: date-time
             * @description The earliest due time of its running SLA targets (first response, resolution): the list is sorted by it; null while none runs (paused, met, resolved). GET …/sla explains it
             */
            slaDueAt: string | null;
            /**
             * @description While resolved and not yet rated: the signed link that asks the customer for a rating (send it to them). Only for callers with tickets:write
             * @example /api/v1/tickets/5b0c…/csat?token=eyJ0Ijoi…
             */
            csatLink: string | null;
            lastCsat: components["schemas"]["TicketCsatView"] | null;
        };
        TicketPage: {
            items: components["schemas"]["TicketView"][];
            /** @description Pass as cursor for the next page; null on the last */
            nextCursor: string | null;
        };
        SlaTargetView: {
            /** @enum {string} */
            target: "first-response" | "resolution";
            targetMinutes: number;
            /** @description With the calendar's offset; null while paused */
            due: string | null;
            elapsedMinutes: number;
            /** @description Negative once breached */
            remainingMinutes: number;
            /** @enum {string} */
            state: "running" | "paused" | "met" | "breached";
            stoppedAt: string | null;
        };
        SlaPauseView: {
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string | null;
            /** @enum {string} */
            reason: "pending-customer" | "resolved";
            /** @description Business minutes of the pause (to now while open) */
            businessMinutes: number;
        };
        SlaOverrideView: {
            /** @example 2026-02-17 */
            date: string;
            /** @enum {string} */
            kind: "holiday" | "workday" | "closure";
            name: string | null;
        };
        TicketSlaView: {
            /** Format: uuid */
            ticketId: string;
            policyVersion: number;
            /** Format: uuid */
            calendarId: string;
            calendarVersion: number;
            /** @enum {string} */
            priority: "low" | "normal" | "high" | "urgent";
            /** @enum {string} */
            tier: "VIP" | "A" | "B" | "C" | "none";
            /** Format: date-time */
            receivedAt: string;
            targets: components["schemas"]["SlaTargetView"][];
            pauses: components["schemas"]["SlaPauseView"][];
            /** @description Calendar overrides between receivedAt and the latest due time */
            overrides: components["schemas"]["SlaOverrideView"][];
        };
        UpdateTicketRequest: {
            subject?: string;
            description?: string;
            /** @enum {string} */
            priority?: "low" | "normal" | "high" | "urgent";
            /** @description null clears it */
            category?: string | null;
            /**
             * @description A user id; null: back to the team's pool
             * @example agent1
             */
            assignee?: string | null;
            /**
             * @description The version the change is based on (alternative to If-Match)
             * @example 3
             */
            version?: number;
        };
        TicketRoutingView: {
            /** @example vip */
            queue: string;
            /** @enum {string} */
            reason: "vip" | "match" | "fallback";
            /** @example agent1 */
            assignee: string | null;
            /**
             * @description How the assignee was chosen
             * @enum {string}
             */
            assignment: "round-robin" | "least-loaded" | "manual";
        };
        TicketHistoryEntryView: {
            /**
             * @description Order within the ticket
             * @example 1
             */
            seq: number;
            /** Format: date-time */
            at: string;
            /** @example agent1 */
            actor: string;
            /** @enum {string} */
            kind: "created" | "updated" | "transition" | "reply" | "note" | "csat";
            /** @enum {string|null} */
            fromStatus: "received" | "acknowledged" | "investigating" | "pending-customer" | "resolved" | "reopened" | "closed" | null;
            /** @enum {string|null} */
            toStatus: "received" | "acknowledged" | "investigating" | "pending-customer" | "resolved" | "reopened" | "closed" | null;
            /** @description The text of a reply, note or transition note (masked without pii:read; null once erased) */
            text: string | null;
            /** @description For kind updated: the fields that changed */
            changedFields: string[];
            routing: components["schemas"]["TicketRoutingView"] | null;
            /** @description For kind csat: the rating (the comment is text) */
            rating: number | null;
        };
        TicketHistoryView: {
            /** Format: uuid */
            ticketId: string;
            /** Format: uuid */
            customerId: string;
            items: components["schemas"]["TicketHistoryEntryView"][];
        };
        TicketTextRequest: {
            /** @example We are sorry: a replacement kettle is on its way. */
            text: string;
        };
        TicketNoteView: {
            /**
             * @description Order within the ticket
             * @example 1
             */
            seq: number;
            /** Format: date-time */
            at: string;
            /** @example agent1 */
            actor: string;
            /** @enum {string} */
            kind: "created" | "updated" | "transition" | "reply" | "note" | "csat";
            /** @enum {string|null} */
            fromStatus: "received" | "acknowledged" | "investigating" | "pending-customer" | "resolved" | "reopened" | "closed" | null;
            /** @enum {string|null} */
            toStatus: "received" | "acknowledged" | "investigating" | "pending-customer" | "resolved" | "reopened" | "closed" | null;
            /** @description The text of a reply, note or transition note (masked without pii:read; null once erased) */
            text: string | null;
            /** @description For kind updated: the fields that changed */
            changedFields: string[];
            routing: components["schemas"]["TicketRoutingView"] | null;
            /** @description For kind csat: the rating (the comment is text) */
            rating: number | null;
            /** Format: uuid */
            ticketId: string;
            /** Format: uuid */
            customerId: string;
        };
        TicketTransitionRequest: {
            /**
             * @description The next status; a move the process does not allow from here is 409 listing the allowed ones
             * @example investigating
             * @enum {string}
             */
            to: "received" | "acknowledged" | "investigating" | "pending-customer" | "resolved" | "reopened" | "closed";
            /** @description Why (kept in the history) */
            note?: string;
        };
        QueueMatch: {
            types?: ("complaint" | "inquiry" | "request" | "feedback")[];
            /**
             * @example [
             *       "billing"
             *     ]
             */
            categories?: string[];
            channels?: ("phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "visit" | "web-form")[];
        };
        QueueView: {
            /** @example general */
            name: string;
            /** @example north */
            team: string;
            /** @example manager */
            lead: string | null;
            members: string[];
            /** @description null: all members are available */
            available: string[] | null;
            /** @enum {string} */
            assignment: "round-robin" | "least-loaded" | "manual";
            match: components["schemas"]["QueueMatch"];
            /** @example 100 */
            priority: number;
            vip: boolean;
            /** Format: date-time */
            updatedAt: string;
        };
        QueueList: {
            /** @description By priority (rule order), then name */
            items: components["schemas"]["QueueView"][];
        };
        PutQueueRequest: {
            /**
             * @description The team that runs it; its manager (or an admin) may change it
             * @example north
             */
            team: string;
            /**
             * @description Who gets the tickets a low CSAT rating reopens
             * @example manager
             */
            lead?: string | null;
            /**
             * @example [
             *       "agent1",
             *       "agent2"
             *     ]
             */
            members: string[];
            /** @description The members who take new tickets now (absent or null: all of them) */
            available?: string[] | null;
            /**
             * @example round-robin
             * @enum {string}
             */
            assignment: "round-robin" | "least-loaded" | "manual";
            /** @description Absent: the queue matches no ticket by itself */
            match?: components["schemas"]["QueueMatch"];
            /**
             * @description Rule order: the lowest matching queue wins
             * @default 100
             * @example 100
             */
            priority?: number;
            /**
             * @description The VIP queue: VIP customers' tickets go to it
             * @default false
             */
            vip?: boolean;
        };
        WorkingWindowDto: {
            /**
             * @description Local time HH:MM, 00:00 to 23:59
             * @example 09:00
             */
            start: string;
            /**
             * @description Local time HH:MM, 00:01 to 24:00 (end of the day)
             * @example 18:00
             */
            end: string;
        };
        WeeklyScheduleDto: {
            /** @description Monday: its working windows, several allowed, not overlapping; absent or empty: no working time */
            1?: components["schemas"]["WorkingWindowDto"][];
            /** @description Tuesday: its working windows, several allowed, not overlapping; absent or empty: no working time */
            2?: components["schemas"]["WorkingWindowDto"][];
            /** @description Wednesday: its working windows, several allowed, not overlapping; absent or empty: no working time */
            3?: components["schemas"]["WorkingWindowDto"][];
            /** @description Thursday: its working windows, several allowed, not overlapping; absent or empty: no working time */
            4?: components["schemas"]["WorkingWindowDto"][];
            /** @description Friday: its working windows, several allowed, not overlapping; absent or empty: no working time */
            5?: components["schemas"]["WorkingWindowDto"][];
            /** @description Saturday: its working windows, several allowed, not overlapping; absent or empty: no working time */
            6?: components["schemas"]["WorkingWindowDto"][];
            /** @description Sunday: its working windows, several allowed, not overlapping; absent or empty: no working time */
            7?: components["schemas"]["WorkingWindowDto"][];
        };
        BusinessCalendarSummaryView: {
            /** Format: uuid */
            id: string;
            /** @example china-standard */
            name: string;
            /** @example Asia/Shanghai */
            timeZone: string;
            weekly: components["schemas"]["WeeklyScheduleDto"];
            /** @example 769 */
            overrideCount: number;
            /**
             * @description The first overridden date
             * @example 2004-01-01
             */
            firstOverrideDate: string | null;
            /**
             * @description The last overridden date
             * @example 2026-10-08
             */
            lastOverrideDate: string | null;
            /**
             * @description Also the ETag ("1") of the calendar
             * @example 1
             */
            version: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @example admin */
            updatedBy: string;
        };
        BusinessCalendarList: {
            items: components["schemas"]["BusinessCalendarSummaryView"][];
        };
        CalendarOverrideDto: {
            /**
             * Format: date
             * @description Local calendar date YYYY-MM-DD
             * @example 2027-02-06
             */
            date: string;
            /**
             * @description holiday: no working time that day (no windows); workday: a working day whatever the weekday (a make-up day), with its windows or the calendar's Monday windows; closure: its windows are taken out of the day's usual working time
             * @example holiday
             * @enum {string}
             */
            kind: "holiday" | "workday" | "closure";
            /** @description workday: its hours (default the Monday windows); closure: the hours closed (required); holiday: none */
            windows?: components["schemas"]["WorkingWindowDto"][];
            /** @example 春节 Spring Festival */
            name?: string;
        };
        CreateBusinessCalendarRequest: {
            /**
             * @description Unique (409 when taken)
             * @example shanghai-office
             */
            name: string;
            /**
             * @description An IANA time zone; windows and dates are local to it
             * @example Asia/Shanghai
             */
            timeZone: string;
            weekly: components["schemas"]["WeeklyScheduleDto"];
            /** @description Default none */
            overrides?: components["schemas"]["CalendarOverrideDto"][];
        };
        BusinessCalendarView: {
            /** Format: uuid */
            id: string;
            /** @example china-standard */
            name: string;
            /** @example Asia/Shanghai */
            timeZone: string;
            weekly: components["schemas"]["WeeklyScheduleDto"];
            /** @example 769 */
            overrideCount: number;
            /**
             * @description The first overridden date
             * @example 2004-01-01
             */
            firstOverrideDate: string | null;
            /**
             * @description The last overridden date
             * @example 2026-10-08
             */
            lastOverrideDate: string | null;
            /**
             * @description Also the ETag ("1") of the calendar
             * @example 1
             */
            version: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @example admin */
            updatedBy: string;
            /** @description By date */
            overrides: components["schemas"]["CalendarOverrideDto"][];
        };
        ReplaceBusinessCalendarRequest: {
            /**
             * @description Unique (409 when taken)
             * @example shanghai-office
             */
            name: string;
            /** @example Asia/Shanghai */
            timeZone: string;
            weekly: components["schemas"]["WeeklyScheduleDto"];
            /** @description Every override the calendar keeps (those left out are removed; [] removes all) */
            overrides: components["schemas"]["CalendarOverrideDto"][];
            /**
             * @description The version the change is based on (alternative to If-Match)
             * @example 3
             */
            version?: number;
        };
        AddCalendarOverridesRequest: {
            /** @description A batch, such as a new year's official arrangement; an override of a date already overridden replaces it */
            overrides: components["schemas"]["CalendarOverrideDto"][];
            /**
             * @description If given (or If-Match), the change is refused (412) when stale
             * @example 3
             */
            version?: number;
        };
        CalendarChangeView: {
            /** @enum {string} */
            kind: "created" | "replaced" | "overrides-added";
            /** @description Set (created) or changed to */
            name?: string;
            /** @description Set (created) or changed to */
            timeZone?: string;
            /** @description Set (created) or changed to */
            weekly?: components["schemas"]["WeeklyScheduleDto"];
            /** @description Overrides added or changed */
            overridesSet: components["schemas"]["CalendarOverrideDto"][];
            /**
             * @description Dates whose override was removed
             * @example [
             *       "2027-02-13"
             *     ]
             */
            overridesRemoved: string[];
        };
        CalendarVersionView: {
            /** @example 2 */
            version: number;
            /** Format: date-time */
            at: string;
            /** @example admin */
            actor: string;
            change: components["schemas"]["CalendarChangeView"];
        };
        CalendarVersionList: {
            /** Format: uuid */
            calendarId: string;
            /** @description Oldest first */
            items: components["schemas"]["CalendarVersionView"][];
        };
        CalendarDeadlineView: {
            /**
             * @description When the working minutes have elapsed, with the calendar's offset at that instant
             * @example 2026-02-24T10:00:00+08:00
             */
            due: string;
            /** Format: uuid */
            calendarId: string;
            /**
             * @description The calendar version the answer was computed with
             * @example 3
             */
            version: number;
        };
        CalendarBusinessMinutesView: {
            /**
             * @description Working minutes in [from, to) (seconds / 60; negative when to < from)
             * @example 120
             */
            minutes: number;
            /** @example 7200 */
            seconds: number;
            /** Format: uuid */
            calendarId: string;
            /** @example 3 */
            version: number;
        };
        SlaTargetCell: {
            /** @enum {string} */
            priority: "low" | "normal" | "high" | "urgent";
            /**
             * @description The customer's value tier; VIP applies to a VIP customer whatever its tier; none is the priority's fallback for a tier without its own cell (required for every priority)
             * @enum {string}
             */
            tier: "VIP" | "A" | "B" | "C" | "none";
            /**
             * @description Business minutes
             * @example 30
             */
            firstResponseMinutes: number;
            /**
             * @description Business minutes
             * @example 240
             */
            resolutionMinutes: number;
        };
        SlaEscalationLevel: {
            /**
             * @description Percent of the target elapsed; 100 is the breach
             * @example 80
             */
            atPercent: number;
            /** @enum {string} */
            target: "first-response" | "resolution";
            /** @enum {string} */
            action: "notify" | "raise-priority" | "reassign-to-lead" | "reassign-to-manager";
        };
        SlaPolicyView: {
            /**
             * Format: uuid
             * @description The business calendar the targets are counted on
             */
            calendarId: string;
            targets: components["schemas"]["SlaTargetCell"][];
            escalations: components["schemas"]["SlaEscalationLevel"][];
            /** @example 2 */
            version: number;
            /** Format: date-time */
            updatedAt: string;
            updatedBy: string;
        };
        SlaPolicyRequest: {
            /**
             * Format: uuid
             * @description The business calendar the targets are counted on
             */
            calendarId: string;
            targets: components["schemas"]["SlaTargetCell"][];
            escalations: components["schemas"]["SlaEscalationLevel"][];
            /** @description The version read (or send its ETag as If-Match): a stale one gets 412; unconditional without */
            version?: number;
        };
        OpenTicketsByStatusView: {
            /** @example 2 */
            received: number;
            /** @example 1 */
            acknowledged: number;
            /** @example 3 */
            investigating: number;
            /** @example 1 */
            "pending-customer": number;
            /** @example 0 */
            reopened: number;
        };
        OpenTicketsStatsView: {
            /**
             * @description Tickets neither resolved nor closed, now
             * @example 7
             */
            total: number;
            byStatus: components["schemas"]["OpenTicketsByStatusView"];
            /**
             * @description Open tickets at risk now: a warning level fired (or 80 % of a target elapsed), nothing breached yet
             * @example 1
             */
            atRisk: number;
            /**
             * @description Open tickets with a target past its due time unmet, now
             * @example 2
             */
            breached: number;
            /**
             * Format: date-time
             * @description When the oldest open one came in
             */
            oldestReceivedAt: string | null;
            /**
             * @description Backlog age: the median of now − receivedAt over open tickets, in calendar minutes
             * @example 1440
             */
            medianAgeMinutes: number | null;
        };
        SlaTargetStatsView: {
            /**
             * @description Tickets whose target was met
             * @example 9
             */
            met: number;
            /**
             * @description Tickets whose target was missed (stopped late, or running past due)
             * @example 1
             */
            breached: number;
            /**
             * @description Tickets whose target is still running or paused within its due time
             * @example 2
             */
            pending: number;
            /**
             * @description met / (met + breached) × 100, to one decimal; null when none is decided
             * @example 90
             */
            compliancePercent: number | null;
            /**
             * @description Median business minutes to the first reply (first-response) or to the resolution (resolution), on each ticket's SLA calendar, pauses excepted; over the tickets that got there; null when none did
             * @example 42.5
             */
            medianBusinessMinutes: number | null;
        };
        CsatStatsView: {
            /**
             * @description Ratings submitted in the window
             * @example 4
             */
            responses: number;
            /**
             * @description Mean rating (1–5), to two decimals
             * @example 3.75
             */
            averageRating: number | null;
            /**
             * @description CSAT: ratings of 4 or 5 as a percentage of all, to one decimal
             * @example 75
             */
            satisfiedPercent: number | null;
        };
        ServiceDeskStatsView: {
            /**
             * @description The team asked for; null: all
             * @example north
             */
            team: string | null;
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            /**
             * Format: date-time
             * @description The instant the open counts and running clocks are taken at
             */
            asOf: string;
            /** @description The open backlog now (not limited to the window) */
            open: components["schemas"]["OpenTicketsStatsView"];
            /**
             * @description Tickets received in the window (the cohort of the SLA figures)
             * @example 12
             */
            received: number;
            firstResponse: components["schemas"]["SlaTargetStatsView"];
            resolution: components["schemas"]["SlaTargetStatsView"];
            csat: components["schemas"]["CsatStatsView"];
        };
        ServiceDeskTeamView: {
            /** @example north */
            name: string;
            /** @example manager */
            manager: string | null;
            /** Format: date-time */
            updatedAt: string;
            /** @example admin */
            updatedBy: string;
        };
        ServiceDeskTeamList: {
            /** @description By name */
            items: components["schemas"]["ServiceDeskTeamView"][];
        };
        PutServiceDeskTeamRequest: {
            /**
             * @description The team's manager: the SLA escalation reassign-to-manager gives breached tickets to them (null: none)
             * @example manager
             */
            manager: string | null;
        };
        SurveyQuestionDto: {
            /**
             * @description Unique in the survey
             * @example recommend
             */
            id: string;
            /** @enum {string} */
            type: "nps" | "csat" | "rating" | "single" | "multiple" | "text";
            /** @example How likely are you to recommend us to a friend? */
            text: string;
            /**
             * @description The choices of a single or multiple question (required there, refused elsewhere: 422)
             * @example [
             *       "Price",
             *       "Quality",
             *       "Service"
             *     ]
             */
            options?: string[];
            /**
             * @description The top of a rating question’s scale (1 to max); refused on other types (422)
             * @default 5
             */
            max?: number;
            /**
             * @description A response must answer it
             * @default true
             */
            required?: boolean;
        };
        CreateSurveyRequest: {
            /** @example After-sales satisfaction 2026 Q4 */
            name: string;
            /** @example Two minutes about your last visit. */
            description?: string;
            questions: components["schemas"]["SurveyQuestionDto"][];
        };
        SurveyQuestionView: {
            /** @example recommend */
            id: string;
            /** @enum {string} */
            type: "nps" | "csat" | "rating" | "single" | "multiple" | "text";
            text: string;
            options: string[] | null;
            /** @description The lowest answer (null for choice and text) */
            min: number | null;
            /** @description The highest answer (null for choice and text) */
            max: number | null;
            required: boolean;
        };
        SurveyView: {
            /** Format: uuid */
            id: string;
            name: string;
            description: string | null;
            questions: components["schemas"]["SurveyQuestionView"][];
            /**
             * @description Invitations sent
             * @example 12
             */
            invitations: number;
            /**
             * @description Invitations answered
             * @example 7
             */
            responses: number;
            /** Format: date-time */
            createdAt: string;
            /** @example manager */
            createdBy: string;
        };
        SurveyList: {
            /** @description Newest first (at most 200) */
            items: components["schemas"]["SurveyView"][];
        };
        SurveyInvitationsRequest: {
            /** @description The customers to invite (one invitation per customer and survey) */
            customerIds: string[];
            /**
             * @description How long the links stay valid (days)
             * @default 30
             */
            validDays?: number;
        };
        SurveyInvitationView: {
            /** Format: uuid */
            invitationId: string;
            /** Format: uuid */
            customerId: string;
            /**
             * @description The signed public link to send the customer (whoever holds it may answer once)
             * @example /api/v1/public/surveys/eyJpIjoi…
             */
            link: string;
            /** Format: date-time */
            expiresAt: string;
        };
        SurveyInvitationsView: {
            invited: components["schemas"]["SurveyInvitationView"][];
            /** @description Customers invited to this survey before (no second invitation) */
            alreadyInvited: string[];
            /** @description Ids interaction does not know as customers (nobody invited) */
            unknown: string[];
        };
        ScoreCountView: {
            /**
             * @description A score, or a choice
             * @example 9
             */
            value: string;
            /** @example 4 */
            count: number;
        };
        NpsView: {
            /**
             * @description % promoters (9–10) − % detractors (0–6), to one decimal
             * @example 30
             */
            score: number;
            /** @example 5 */
            promoters: number;
            /** @example 3 */
            passives: number;
            /** @example 2 */
            detractors: number;
            /** @example 10 */
            n: number;
            /**
             * @description 95 % confidence interval, low end (normal approximation, clamped to −100)
             * @example -18.4
             */
            ci95Low: number;
            /**
             * @description 95 % confidence interval, high end (clamped to 100)
             * @example 78.4
             */
            ci95High: number;
        };
        CsatScoreView: {
            /**
             * @description % of answers that are 4 or 5, to one decimal
             * @example 75
             */
            percent: number;
            /** @example 6 */
            satisfied: number;
            /** @example 8 */
            n: number;
        };
        OpenAnswerView: {
            /** @description The customer’s words (masked without pii:read) */
            text: string;
            /** Format: date-time */
            answeredAt: string;
        };
        TrendPointView: {
            /** Format: date-time */
            periodStart: string;
            /** @example 4 */
            n: number;
            /** @description NPS, CSAT % or mean rating of the period */
            score: number | null;
        };
        QuestionResultView: {
            /** @example recommend */
            questionId: string;
            /** @enum {string} */
            type: "nps" | "csat" | "rating" | "single" | "multiple" | "text";
            text: string;
            /**
             * @description Answers to this question in the window
             * @example 10
             */
            n: number;
            /** @description Every score of the scale (0 counts too) or choice */
            distribution: components["schemas"]["ScoreCountView"][];
            /** @description Mean of a scored question, to two decimals */
            average: number | null;
            nps: components["schemas"]["NpsView"] | null;
            csat: components["schemas"]["CsatScoreView"] | null;
            /** @description Text answers, newest first (at most 100) */
            openAnswers: components["schemas"]["OpenAnswerView"][];
            trend: components["schemas"]["TrendPointView"][];
        };
        SurveyResultsView: {
            /** Format: uuid */
            surveyId: string;
            /** Format: date-time */
            from: string | null;
            /** Format: date-time */
            to: string | null;
            /** @enum {string} */
            interval: "week" | "month";
            /**
             * @description Responses in the window
             * @example 10
             */
            responses: number;
            questions: components["schemas"]["QuestionResultView"][];
        };
        SendWechatMessageRequest: {
            /**
             * @description The text sent to the customer's WeChat; logged as an outbound WeChat interaction
             * @example 您好，您咨询的礼盒明天发货。
             */
            text: string;
        };
        InteractionView: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            customerId: string;
            /** @enum {string} */
            channel: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "meeting" | "visit" | "web-form";
            /** @enum {string} */
            direction: "inbound" | "outbound";
            /** Format: date-time */
            occurredAt: string;
            /** @example agent1 */
            agent: string;
            /**
             * @description The logging caller's team
             * @example north
             */
            team: string | null;
            /** @description Masked without pii:read */
            summary: string | null;
            outcome: string | null;
            durationSeconds: number | null;
            /** Format: uuid */
            ticketId: string | null;
            /** Format: uuid */
            campaignId: string | null;
            /** Format: uuid */
            followUpId: string | null;
            /**
             * @description Who recorded it
             * @example agent1
             */
            loggedBy: string;
            /** Format: date-time */
            loggedAt: string;
        };
        CampaignRecipientDto: {
            /** Format: uuid */
            customerId: string;
            /**
             * @description An email address (email campaigns) or an E.164 phone number (SMS campaigns); checked: 422
             * @example li.wei@example.com
             */
            address: string;
            /**
             * @description Values the templates may use ({{name}}, {{city}}); strings only, at most 20
             * @example {
             *       "name": "李伟",
             *       "city": "上海"
             *     }
             */
            fields?: Record<string, never>;
        };
        CreateCampaignRequest: {
            /** @example Spring sale 2027 */
            name: string;
            /** @enum {string} */
            channel: "email" | "sms";
            /**
             * @description The consent purpose checked at send time
             * @enum {string}
             */
            purpose: "marketing" | "service";
            /**
             * @description Mustache template of the subject; required for email (422), refused for SMS (422)
             * @example {{name}}, spring is here
             */
            subject?: string;
            /**
             * @description Mustache template of the plain-text body
             * @example Dear {{name}}, 20 % off everything until Sunday.
             */
            body: string;
            audience: components["schemas"]["CampaignRecipientDto"][];
        };
        CampaignCountsView: {
            queued: number;
            skipped: number;
            sent: number;
            failed: number;
            bounced: number;
            unsubscribed: number;
        };
        CampaignView: {
            /** Format: uuid */
            id: string;
            name: string;
            /** @enum {string} */
            channel: "email" | "sms";
            /** @enum {string} */
            purpose: "marketing" | "service";
            subject: string | null;
            body: string;
            /** @enum {string} */
            status: "draft" | "sending" | "completed";
            /** @description How many recipients; the counts always add up to it */
            audience: number;
            counts: components["schemas"]["CampaignCountsView"];
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** Format: date-time */
            sendStartedAt: string | null;
            /** Format: date-time */
            completedAt: string | null;
        };
        CampaignRecipientView: {
            /** Format: uuid */
            customerId: string;
            /** @enum {string} */
            state: "queued" | "skipped" | "sent" | "failed" | "bounced" | "unsubscribed";
            /**
             * @description Why skipped or failed: no-consent, consent-withdrawn, or the transport’s answer
             * @example no-consent
             */
            reason: string | null;
            /** @description The stable Message-ID of the recipient’s message */
            messageId: string;
            /** Format: date-time */
            updatedAt: string;
        };
        CampaignRecipientPage: {
            items: components["schemas"]["CampaignRecipientView"][];
            /** @description Pass as cursor for the next page; null on the last */
            nextCursor: string | null;
        };
        InboundSmsRequest: {
            /**
             * @description The sender, E.164
             * @example +8613800138000
             */
            from: string;
            /** @example T */
            text: string;
        };
        InboundSmsReceipt: {
            /** @description How many customers’ SMS consent this reply withdrew */
            withdrawn: number;
        };
        LogInteractionRequest: {
            /**
             * @description Who reached out
             * @example outbound
             * @enum {string}
             */
            direction: "inbound" | "outbound";
            /**
             * Format: date-time
             * @description When it happened (with an offset); not in the future (422); default now
             * @example 2026-12-04T10:15:00+08:00
             */
            occurredAt?: string;
            /**
             * @description What was said: about the customer, so masked without pii:read and audited when read
             * @example Called about the renewal; wants the new price list by mail.
             */
            summary?: string;
            /**
             * @description A short label: reached, no-answer, interested…
             * @example reached
             */
            outcome?: string;
            /** @example 240 */
            durationSeconds?: number;
            /**
             * @example phone
             * @enum {string}
             */
            channel: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "meeting" | "visit" | "web-form";
            /**
             * @description The user who had the contact; default the caller
             * @example agent1
             */
            agent?: string;
            /**
             * Format: uuid
             * @description The ticket the contact was about
             */
            ticketId?: string;
            /**
             * Format: uuid
             * @description The campaign the contact belongs to
             */
            campaignId?: string;
            /**
             * Format: uuid
             * @description A follow-up of the same customer it answers (to complete one, use POST /follow-ups/{id}/complete)
             */
            followUpId?: string;
        };
        InteractionPage: {
            items: components["schemas"]["InteractionView"][];
            /** @description Pass as cursor for the next page; null on the last */
            nextCursor: string | null;
        };
        CreateFollowUpRequest: {
            /**
             * Format: uuid
             * @description A customer interaction knows (from customer events); unknown: 422
             */
            customerId: string;
            /**
             * @description Who follows up; default the caller
             * @example agent1
             */
            assignee?: string;
            /**
             * @description The assignee's team (managers see their team's follow-ups); default the caller's team
             * @example north
             */
            team?: string;
            /**
             * Format: date-time
             * @description By when (with an offset); one in the past is overdue at once
             * @example 2026-12-07T15:00:00+08:00
             */
            dueAt: string;
            /**
             * @description How to reach the customer
             * @example phone
             * @enum {string}
             */
            channel: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "meeting" | "visit" | "web-form";
            /** @example Ask whether the new price list arrived. */
            note?: string;
        };
        FollowUpView: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            customerId: string;
            /** @example agent1 */
            assignee: string;
            /** @example north */
            team: string | null;
            /** @enum {string} */
            channel: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "meeting" | "visit" | "web-form";
            /** Format: date-time */
            dueAt: string;
            /**
             * Format: date-time
             * @description When its reminder (follow-up.due) fires: business minutes before dueAt on the follow-ups' calendar
             */
            remindAt: string;
            /** @description Masked without pii:read */
            note: string | null;
            /**
             * @description overdue: due time passed undone (computed at read time)
             * @enum {string}
             */
            status: "open" | "overdue" | "snoozed" | "done";
            /** @example 0 */
            snoozeCount: number;
            /** Format: date-time */
            completedAt: string | null;
            /**
             * Format: uuid
             * @description The interaction that completed it
             */
            interactionId: string | null;
            /** @example agent1 */
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: uuid
             * @description The cadence enrolment that planned it (null: planned by hand)
             */
            enrolmentId: string | null;
            /** @description Which of the cadence's steps (from 0) */
            stepIndex: number | null;
        };
        FollowUpPage: {
            items: components["schemas"]["FollowUpView"][];
            /** @description Pass as cursor for the next page; null on the last */
            nextCursor: string | null;
        };
        CompleteFollowUpRequest: {
            /**
             * @description Who reached out
             * @example outbound
             * @enum {string}
             */
            direction: "inbound" | "outbound";
            /**
             * Format: date-time
             * @description When it happened (with an offset); not in the future (422); default now
             * @example 2026-12-04T10:15:00+08:00
             */
            occurredAt?: string;
            /**
             * @description What was said: about the customer, so masked without pii:read and audited when read
             * @example Called about the renewal; wants the new price list by mail.
             */
            summary?: string;
            /**
             * @description A short label: reached, no-answer, interested…
             * @example reached
             */
            outcome?: string;
            /** @example 240 */
            durationSeconds?: number;
            /**
             * @description Default the follow-up's channel
             * @enum {string}
             */
            channel?: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "meeting" | "visit" | "web-form";
        };
        FollowUpCompletion: {
            followUp: components["schemas"]["FollowUpView"];
            interaction: components["schemas"]["InteractionView"];
        };
        SnoozeFollowUpRequest: {
            /**
             * Format: date-time
             * @description The new due time (with an offset); must be in the future (422)
             * @example 2026-12-08T10:00:00+08:00
             */
            until?: string;
            /**
             * @description The new due time is this many business minutes from now, on the follow-ups' business calendar
             * @example 120
             */
            businessMinutes?: number;
        } & (unknown | unknown);
        CadenceStep: {
            /**
             * @description Business days after the enrolment: the step's follow-up is due that many full working days of the follow-ups' calendar later (0: at once)
             * @example 2
             */
            dayOffset: number;
            /**
             * @example phone
             * @enum {string}
             */
            channel: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "meeting" | "visit" | "web-form";
            /** @example Ask how the last order went; offer the loyal-customer coupon */
            note?: string;
        };
        CadenceView: {
            /** Format: uuid */
            id: string;
            /** @example win-back */
            name: string;
            description: string | null;
            steps: components["schemas"]["CadenceStep"][];
            stopOn: ("replied" | "purchased" | "consent-withdrawn")[];
            /** @enum {string} */
            trigger: "manual" | "lifecycle:prospect" | "lifecycle:new" | "lifecycle:active" | "lifecycle:loyal" | "lifecycle:at_risk" | "lifecycle:churned" | "lifecycle:won_back";
            /** @example manager */
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
        };
        CadenceList: {
            items: components["schemas"]["CadenceView"][];
        };
        CreateCadenceRequest: {
            /**
             * @description Lower-case letters, digits and dashes; unique (409 when taken)
             * @example win-back
             */
            name: string;
            /** @example Three contacts over two weeks for customers at risk of leaving */
            description?: string;
            steps: components["schemas"]["CadenceStep"][];
            /**
             * @description What ends an enrolment early, its open follow-ups cancelled: replied (an inbound contact), purchased, consent-withdrawn (marketing consent on any channel). Default: all three; [] never
             * @default [
             *       "replied",
             *       "purchased",
             *       "consent-withdrawn"
             *     ]
             */
            stopOn?: ("replied" | "purchased" | "consent-withdrawn")[];
            /**
             * @description What starts it besides POST …/enrolments: lifecycle:<stage> enrols a customer who moves to that stage (lifecycle.changed), for the customer's owner (a customer in the public pool is not enrolled)
             * @default manual
             * @enum {string}
             */
            trigger?: "manual" | "lifecycle:prospect" | "lifecycle:new" | "lifecycle:active" | "lifecycle:loyal" | "lifecycle:at_risk" | "lifecycle:churned" | "lifecycle:won_back";
        };
        EnrolInCadenceRequest: {
            /**
             * Format: uuid
             * @description A customer interaction knows; unknown: 422
             */
            customerId: string;
            /**
             * @description Who works the steps' follow-ups; default the caller
             * @example agent1
             */
            assignee?: string;
            /**
             * @description The assignee's team; default the caller's
             * @example north
             */
            team?: string;
        };
        CadenceEnrolmentView: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            cadenceId: string;
            /** Format: uuid */
            customerId: string;
            /** @example agent1 */
            assignee: string;
            team: string | null;
            /** @enum {string} */
            status: "active" | "completed" | "stopped";
            /**
             * @description Why it stopped
             * @enum {string|null}
             */
            stopReason: "replied" | "purchased" | "consent-withdrawn" | null;
            /** Format: date-time */
            enrolledAt: string;
            /** Format: date-time */
            stoppedAt: string | null;
            /** @description The steps' follow-ups still planned or done (a stop cancels the open ones) */
            followUps: components["schemas"]["FollowUpView"][];
        };
        CadenceEnrolmentList: {
            items: components["schemas"]["CadenceEnrolmentView"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    ImportsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your recent imports, running ones included (all imports for an admin) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ImportsController_create: {
        parameters: {
            query?: {
                /** @description customers: one customer per row. purchases: CSV with one row per order line (externalOrderId, customerId or email or phone or identifierType + identifier, currency, channel, occurredAt, sku, name, category, quantity, unitPrice; rows sharing externalOrderId form one purchase) or JSON lines with one purchase each (the body of POST /customers/{id}/purchases plus the customer reference) */
                type?: "customers" | "purchases";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Customers (type=customers): CSV with a header row (name, kind, email, phone, sourceChannel, tags separated by ;) or one JSON object per line. Purchases (type=purchases): CSV with one row per order line, or one purchase per JSON line (see the type parameter) */
        requestBody: {
            content: {
                "text/csv": string;
                "application/x-ndjson": string;
            };
        };
        responses: {
            /** @description The import ran: rows imported, rows failed with a per-row error report (purchases: rows of orders already recorded are skipped, rowsSkipped) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unsupported-media-type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ImportsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Progress (rows done / total / failed) and the per-row error report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ImportsController_exportCsv: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Streamed CSV (UTF-8 with BOM) of the customers you may see; phones and emails masked without pii:read */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
                /** @description name sorts by Unicode code point (deterministic; not pinyin order) */
                sort?: "createdAt" | "-createdAt" | "name" | "-name";
                /** @description Only customers carrying this tag */
                tag?: string;
                source?: "web_form" | "import" | "survey" | "social" | "sales" | "store" | "wechat";
                kind?: "person" | "organisation";
                stage?: "prospect" | "new" | "active" | "loyal" | "at_risk" | "churned" | "won_back";
                /** @description Only customers of this value tier (analytics' latest score) */
                tier?: "A" | "B" | "C";
                /** @description Custom field filter key:value on defined custom fields (GET /custom-fields), repeatable (cf=tier:gold&cf=vip:true) */
                cf?: string[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Keyset-paged; only the customers the caller may see; PII masked without pii:read */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_create: {
        parameters: {
            query?: {
                /** @description Create even when likely duplicates exist */
                force?: "true" | "false";
            };
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCustomerRequest"];
            };
        };
        responses: {
            /** @description The customer was created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/payload-too-large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_search: {
        parameters: {
            query: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
                /** @description Matched against names, phones, emails, identifiers and tags: prefix, substring and fuzzy */
                q: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ranked hits (prefix, substring, fuzzy); only customers the caller may see */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerSearchPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_duplicates: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Likely duplicates to review (pairs whose both customers the caller may see), newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DuplicatePairList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Phones, emails, streets and identifiers are masked without the pii:read scope */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_erase: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Erasure requested: customer-profile's part is done (personal data removed, later reads answer 404), customer.erased published, the gateway's stored idempotent replies that carried the customer removed. The other services erase their parts and acknowledge; follow the request at Location (GET /api/v1/erasures/{id}) and fetch its signed receipt when complete */
            202: {
                headers: {
                    /** @description The erasure request: /api/v1/erasures/{erasureId} */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErasureView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version read ("3"); a stale one gets 412. Alternative: version in the body */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["UpdateCustomerRequest"];
            };
        };
        responses: {
            /** @description The customer after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/precondition-failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_merge: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MergeCustomersRequest"];
            };
        };
        responses: {
            /** @description The survivor after the merge; customer.merged published; reads of sourceId now return the survivor */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomersController_export: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Subject access: everything every participating service holds on the customer, unmasked, each part stamped with the service and the time it read it. All or nothing: a service that fails or is late fails the export (503 or 504 naming it in `service`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubjectAccessExport"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/service-unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ConsentsController_overview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Current consent per channel and purpose, and the full history */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentOverview"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ConsentsController_record: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecordConsentRequest"];
            };
        };
        responses: {
            /** @description The grant or withdrawal was recorded; consent.changed published when the state changed */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomFieldsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomFieldDefinitionList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CustomFieldsController_define: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CustomFieldDefinitionRequest"];
            };
        };
        responses: {
            /** @description Customers may now carry the field */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomFieldDefinitionView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ErasuresController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The request and each participating service's state: pending, or acknowledged with what it removed and kept */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErasureView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ErasuresController_receipt: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The receipt of a complete erasure, signed with the platform's key (a compact JWS; public keys at GET /api/v1/erasures/jwks.json). 409 (`code` `erasure-incomplete`, `pending` naming the services not yet acknowledged, Retry-After) while the request is open */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErasureReceiptView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    Customer360Controller_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Composed in parallel; a slow or failed source gives a partial answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer360View"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    AnalyticsController_customerCount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How many customers analytics has learned of */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerCountView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    AnalyticsController_customerScores: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The customer’s RFM scores (1–5 by quintile) and value tier (A/B/C by a Pareto cut on value), with the inputs, cut points and run they were computed from */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerScoresView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    AuditController_find: {
        parameters: {
            query?: {
                /** @description Entries about this customer: reads that handed out its personal data (single reads, and the lists, searches, segment members and exports it was part of) and changes to it */
                customerId?: string;
                /** @description Entries about this kind of resource */
                resourceType?: "customer" | "segment" | "team" | "programme" | "reward" | "coupon" | "custom-field" | "exchange-rate" | "business-calendar" | "sla-policy" | "survey" | "campaign";
                /** @description Entries about this resource: a segment id, a team name, a currency, … */
                resourceId?: string;
                /** @description Entries by this user or client (token subject) */
                actor?: string;
                from?: string;
                to?: string;
                limit?: number;
                /** @description Cursor from the previous page (nextCursor) */
                before?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    AuditController_subjects: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Cursor from the previous page (nextCursor) */
                after?: string;
            };
            header?: never;
            path: {
                auditId: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Keyset-paged customer ids of the entry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditSubjectsPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    PurchasesController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Newest first, keyset paged (pass nextCursor as cursor) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PurchasePage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    PurchasesController_record: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecordPurchaseRequest"];
            };
        };
        responses: {
            /** @description The externalOrderId was already recorded for this customer: the same purchase, nothing new */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PurchaseView"];
                };
            };
            /** @description The purchase was recorded (purchase.recorded published) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PurchaseView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    PurchasesController_refund: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
                purchaseId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecordRefundRequest"];
            };
        };
        responses: {
            /** @description The refund was recorded (purchase.refunded published) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefundView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    PurchasesController_totals: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Totals per currency and in the base currency (never summed across currencies) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PurchaseTotalsView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    PurchasesController_rates: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Rates to the base currency */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExchangeRateList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    PurchasesController_putRate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                currency: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutExchangeRateRequest"];
            };
        };
        responses: {
            /** @description The rate was set (units of the base currency per unit) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExchangeRateView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_assign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssignOwnerRequest"];
            };
        };
        responses: {
            /** @description Assigned (from the pool) or transferred, by a manager (own team) or an admin */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OwnershipView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_assignByRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssignByRuleRequest"];
            };
        };
        responses: {
            /** @description Assigned by rule (round-robin: the next member of the team in turn, skipping members at the holding cap), by a manager (own team) or an admin */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OwnershipView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_team: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The team’s members in round-robin order and whose turn is next */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_replaceTeamMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TeamMembersRequest"];
            };
        };
        responses: {
            /** @description The member list replaced (admins any team, a manager their own); a changed list starts its turns from the first member */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_release: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleaseToPoolRequest"];
            };
        };
        responses: {
            /** @description Released to the public pool by its owner */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OwnershipView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_claim: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ClaimFromPoolRequest"];
            };
        };
        responses: {
            /** @description Claimed from the public pool, within the holding cap */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OwnershipView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_history: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every assignment, transfer, claim, release and recycle, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OwnershipHistoryView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_recycle: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Customers without contact for POOL_RECYCLE_DAYS returned to the pool (safe to run twice) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResultView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_lifecycle: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The current stage and its history */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LifecycleView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_changeStage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeLifecycleRequest"];
            };
        };
        responses: {
            /** @description The stage was set by hand */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LifecycleView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    OwnershipController_churn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Customers without a purchase for LIFECYCLE_CHURN_DAYS moved to churned (safe to run twice) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResultView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_statement: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page */
                before?: string;
            };
            header?: never;
            path: {
                customerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatementView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_redeem: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                customerId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RedemptionRequest"];
            };
        };
        responses: {
            /** @description Spent at once (status confirmed), or held (status reserved) when the request says "hold": true */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedemptionView"] | components["schemas"]["RedemptionHoldView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_redemption: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: string;
                redemptionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedemptionStatusView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_confirmRedemption: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                customerId: string;
                redemptionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedemptionView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_cancelRedemption: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                customerId: string;
                redemptionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedemptionStatusView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_adjust: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                customerId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AdjustmentRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdjustmentView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_referralCode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralCodeView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_registerReferral: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                customerId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterReferralRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_rewards: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page */
                after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RewardListView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_createReward: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRewardRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RewardView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_useCoupon: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CouponUseView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_programme: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProgrammeView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_updateProgramme: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProgrammeRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProgrammeView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/precondition-failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_expire: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ExpiryRunRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExpiryRunView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    LoyaltyController_reconciliation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReconciliationView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description All saved segments, by name */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSegmentRequest"];
            };
        };
        responses: {
            /** @description The segment was saved */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_preview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PreviewSegmentRequest"];
            };
        };
        responses: {
            /** @description How many customers you may see match the definition, and the first page of them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentPreview"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The segment (and a static list’s memberships) deleted; the customers stay */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version read ("3"); a stale one gets 412. Alternative: version in the body */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["UpdateSegmentRequest"];
            };
        };
        responses: {
            /** @description The segment after the change (409: a definition sent for a static list) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/precondition-failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_count: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Members you may see */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerCountView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_members: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Keyset-paged members you may see; PII masked without pii:read */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_addMembers: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SegmentMembersRequest"];
            };
        };
        responses: {
            /** @description Static lists only; adding a member twice changes nothing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentMembersAdded"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_removeMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SegmentMembersRequest"];
            };
        };
        responses: {
            /** @description Static lists only; removing a non-member changes nothing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentMembersRemoved"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SegmentsController_exportCsv: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Streamed CSV (UTF-8 with BOM, the customers export columns) of the members you may see; masked without pii:read */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
                status?: "received" | "acknowledged" | "investigating" | "pending-customer" | "resolved" | "reopened" | "closed";
                type?: "complaint" | "inquiry" | "request" | "feedback";
                priority?: "low" | "normal" | "high" | "urgent";
                /** @description Only tickets assigned to this user */
                assignee?: string;
                /** @description Only this customer's tickets */
                customerId?: string;
                /** @description Only the tickets of this queue */
                queue?: string;
                /** @description breached: a target passed its due time unmet; at-risk: a warning level fired (or 80 % of a target elapsed) and nothing breached yet */
                sla?: "at-risk" | "breached";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Subjects and descriptions are masked without the pii:read scope */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTicketRequest"];
            };
        };
        responses: {
            /** @description The ticket; its ETag is its version */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Its ETag is its version: send it as If-Match on PATCH */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag read ("3"): the change applies only to that version (412 when it is stale). Without it (and without version in the body) the change is unconditional, as for customers */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["UpdateTicketRequest"];
            };
        };
        responses: {
            /** @description The ticket after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/precondition-failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_sla: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketSlaView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_history: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Texts are masked without the pii:read scope */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketHistoryView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_reply: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TicketTextRequest"];
            };
        };
        responses: {
            /** @description The ticket after the reply */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_note: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TicketTextRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketNoteView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    TicketsController_transition: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TicketTransitionRequest"];
            };
        };
        responses: {
            /** @description The ticket after the move; a move to resolved opens a CSAT request (csatLink, for tickets:write) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    QueuesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    QueuesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Lower-case letters, digits and dashes */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    QueuesController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Lower-case letters, digits and dashes */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutQueueRequest"];
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueView"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    BusinessCalendarsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessCalendarList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    BusinessCalendarsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateBusinessCalendarRequest"];
            };
        };
        responses: {
            /** @description The calendar at version 1; its ETag is its version */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessCalendarView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    BusinessCalendarsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Its ETag is its version: send it as If-Match on PUT */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessCalendarView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    BusinessCalendarsController_replace: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag read ("3"): the replacement applies only to that version (412 when stale); unconditional without it */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReplaceBusinessCalendarRequest"];
            };
        };
        responses: {
            /** @description The calendar after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessCalendarView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/precondition-failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    BusinessCalendarsController_addOverrides: {
        parameters: {
            query?: never;
            header?: {
                /** @description Optional: the ETag read ("3"); when given (or version in the body), a stale one gets 412 */
                "If-Match"?: string;
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddCalendarOverridesRequest"];
            };
        };
        responses: {
            /** @description The calendar after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessCalendarView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/precondition-failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    BusinessCalendarsController_versions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarVersionList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    BusinessCalendarsController_deadline: {
        parameters: {
            query: {
                /** @description An ISO 8601 instant to the second with an offset or Z, in the years 1970 to 2199 (in a URL, write + as %2B) */
                from: string;
                /** @description Working minutes */
                minutes: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarDeadlineView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    BusinessCalendarsController_businessMinutes: {
        parameters: {
            query: {
                /** @description An ISO 8601 instant to the second with an offset or Z, in the years 1970 to 2199 (in a URL, write + as %2B) */
                from: string;
                /** @description An ISO 8601 instant to the second with an offset or Z, in the years 1970 to 2199 (in a URL, write + as %2B); at most 10 years from `from` (before it: a negative answer) */
                to: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarBusinessMinutesView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SlaPoliciesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Its ETag is its version: send it as If-Match on PUT */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SlaPolicyView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SlaPoliciesController_replace: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag read ("3"): the replacement applies only to that version (412 when stale); unconditional without it */
                "If-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SlaPolicyRequest"];
            };
        };
        responses: {
            /** @description The policy after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SlaPolicyView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/precondition-failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ServiceDeskStatsController_get: {
        parameters: {
            query?: {
                /** @description Only this team's tickets (a manager or agent may name only their own team; default: all they see) */
                team?: string;
                /** @description An ISO 8601 instant to the second with an offset or Z (in a URL, write + as %2B). Start of the window (inclusive); default: `to` minus 30 days */
                from?: string;
                /** @description An ISO 8601 instant to the second with an offset or Z (in a URL, write + as %2B). End of the window (exclusive); default: now. After `from`, at most 366 days after it */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceDeskStatsView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ServiceDeskTeamsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceDeskTeamList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ServiceDeskTeamsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceDeskTeamView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    ServiceDeskTeamsController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutServiceDeskTeamRequest"];
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceDeskTeamView"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceDeskTeamView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SurveysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SurveyList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SurveysController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSurveyRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SurveyView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SurveysController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SurveyView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SurveysController_invite: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SurveyInvitationsRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SurveyInvitationsView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SurveysController_results: {
        parameters: {
            query?: {
                /** @description Answers from (inclusive) */
                from?: string;
                /** @description Answers to (exclusive) */
                to?: string;
                /** @description The trend’s buckets (UTC) */
                interval?: "week" | "month";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SurveyResultsView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    WechatMessagesController_send: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendWechatMessageRequest"];
            };
        };
        responses: {
            /** @description The outbound interaction logged for the message */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InteractionView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CampaignsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCampaignRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/payload-too-large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CampaignsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CampaignsController_send: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CampaignsController_recipients: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
                state?: "queued" | "skipped" | "sent" | "failed" | "bounced" | "unsubscribed";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignRecipientPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    SmsWebhookController_inbound: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InboundSmsRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboundSmsReceipt"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    InteractionsController_timeline: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
                channel?: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "meeting" | "visit" | "web-form";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Summaries are masked without the pii:read scope */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InteractionPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    InteractionsController_log: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LogInteractionRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InteractionView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    InteractionsController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
                channel?: "phone" | "email" | "sms" | "wechat" | "weibo" | "chat" | "meeting" | "visit" | "web-form";
                /** @description Only this user's contacts ('me': the caller's) */
                agent?: string;
                /** @description Only contacts at or after this instant */
                from?: string;
                /** @description Only contacts before this instant */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Summaries are masked without the pii:read scope */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InteractionPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    FollowUpsController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: string;
                /** @description Only this user's follow-ups ('me': the caller's) */
                assignee?: string;
                status?: "open" | "overdue" | "snoozed" | "done";
                /** @description today: due on today's date in the follow-ups' calendar time zone (Asia/Shanghai by default) */
                due?: "today";
                /** @description Only this customer's follow-ups */
                customerId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Notes are masked without the pii:read scope */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FollowUpPage"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    FollowUpsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateFollowUpRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FollowUpView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    FollowUpsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FollowUpView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    FollowUpsController_complete: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CompleteFollowUpRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FollowUpCompletion"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    FollowUpsController_snooze: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SnoozeFollowUpRequest"];
            };
        };
        responses: {
            /** @description The follow-up with its new due time */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FollowUpView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CadencesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CadenceList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CadencesController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCadenceRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CadenceView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CadencesController_enrolments: {
        parameters: {
            query?: {
                /** @description Only this customer's enrolments */
                customerId?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Notes are masked without the pii:read scope */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CadenceEnrolmentList"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CadencesController_enrol: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key and body returns the first answer without a second effect; a different body gets 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnrolInCadenceRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CadenceEnrolmentView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unprocessable */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
    CadencesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CadenceView"];
                };
            };
            /** @description Problem: https://rapport.dev/problems/validation-error or https://rapport.dev/problems/malformed-request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/not-found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/rate-limited */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/upstream-unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
            /** @description Problem: https://rapport.dev/problems/timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** Format: uri */
                        type: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        requestId?: string;
                        traceId?: string;
                        errors?: {
                            field?: string;
                            message?: string;
                        }[];
                    };
                };
            };
        };
    };
}
