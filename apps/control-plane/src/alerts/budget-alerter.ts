import { createHmac } from 'node:crypto'
import { budgetAlerts, budgets, type Database } from '@switchyard/db'
import type { Logger } from '@switchyard/http-server'
import { budgetWindowStart } from '@switchyard/policy'
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm'
import type { SpendSource } from '../snapshot/budget-baselines.ts'
import { parseBudgetRow } from '../snapshot/read-policy-state.ts'

export interface AlertWebhook {
  readonly url: string
  /** Signs each delivery: `x-switchyard-signature: sha256=<hex HMAC of "<timestamp>.<body>">`. */
  readonly secret?: string | undefined
}

export interface BudgetAlerterOptions {
  readonly db: Database
  readonly spend: SpendSource
  /** Undefined: alerts are recorded and logged, not sent. */
  readonly webhook?: AlertWebhook | undefined
  readonly log: Logger
  readonly now?: () => Date
  readonly fetch?: typeof fetch
}

/** Deliveries tried per alert before it is left for an operator. */
export const MAX_DELIVERY_ATTEMPTS = 10

const DELIVERY_TIMEOUT_MS = 5_000

/**
 * Raises each budget's alert thresholds (e.g. 50/80/100 %) once per window, from the spend the
 * usage store holds, and delivers them to a webhook. An alert is a row before it is a request:
 * the unique (budget, window, threshold) row makes it once-only across replicas and checks, and
 * an undelivered one is retried on the next check, up to `MAX_DELIVERY_ATTEMPTS`. Pods also see
 * thresholds cross as they settle requests (logged and counted there, at once); this is the
 * alert that leaves the system.
 */
export class BudgetAlerter {
  readonly #options: BudgetAlerterOptions
  readonly #now: () => Date
  readonly #fetch: typeof fetch

  constructor(options: BudgetAlerterOptions) {
    this.#options = options
    this.#now = options.now ?? (() => new Date())
    this.#fetch = options.fetch ?? fetch
  }

  /** Raises what crossed since the last check and delivers what is undelivered. */
  async check(): Promise<{ raised: number; delivered: number }> {
    const raised = await this.#raise()
    const delivered = this.#options.webhook === undefined ? 0 : await this.#deliver(this.#options.webhook)
    return { raised, delivered }
  }

  async #raise(): Promise<number> {
    const { db, spend, log } = this.#options
    const now = this.#now()
    let raised = 0
    for (const row of await db.select().from(budgets)) {
      const budget = parseBudgetRow(row)
      const windowStartsAt = budgetWindowStart(budget.window, budget.timeZone, now)
      const spentMicroUsd = await spend.spend({
        orgId: budget.orgId,
        scope: budget.scope,
        from: windowStartsAt,
        to: now,
      })
      for (const thresholdPct of budget.alertThresholdsPct) {
        if (spentMicroUsd * 100 < thresholdPct * budget.limitMicroUsd) continue
        const inserted = await db
          .insert(budgetAlerts)
          .values({ budgetId: budget.id, windowStartsAt, thresholdPct, spentMicroUsd })
          .onConflictDoNothing()
          .returning({ id: budgetAlerts.id })
        if (inserted.length === 0) continue
        raised += 1
        log.warn(
          { budget: budget.name, thresholdPct, spentMicroUsd, limitMicroUsd: budget.limitMicroUsd },
          'budget alert raised',
        )
      }
    }
    return raised
  }

  async #deliver(webhook: AlertWebhook): Promise<number> {
    const { db, log } = this.#options
    const pending = await db
      .select({ alert: budgetAlerts, budget: budgets })
      .from(budgetAlerts)
      .innerJoin(budgets, eq(budgets.id, budgetAlerts.budgetId))
      .where(and(isNull(budgetAlerts.deliveredAt), lt(budgetAlerts.attempts, MAX_DELIVERY_ATTEMPTS)))
      .orderBy(asc(budgetAlerts.id))
    let delivered = 0
    for (const { alert, budget } of pending) {
      const body = JSON.stringify({
        type: 'budget.threshold_crossed',
        alertId: alert.id,
        budget: {
          id: budget.id,
          name: budget.name,
          orgId: budget.orgId,
          teamId: budget.teamId,
          window: budget.window,
          timeZone: budget.timeZone,
          limitMicroUsd: budget.limitMicroUsd,
        },
        thresholdPct: alert.thresholdPct,
        spentMicroUsd: alert.spentMicroUsd,
        windowStartsAt: alert.windowStartsAt.toISOString(),
        raisedAt: alert.raisedAt.toISOString(),
      })
      const error = await this.#post(webhook, body)
      await db
        .update(budgetAlerts)
        .set({
          attempts: sql`${budgetAlerts.attempts} + 1`,
          ...(error === null ? { deliveredAt: this.#now(), lastError: null } : { lastError: error }),
        })
        .where(eq(budgetAlerts.id, alert.id))
      if (error === null) delivered += 1
      else log.warn({ alertId: alert.id, budget: budget.name, error }, 'budget alert webhook failed; retrying later')
    }
    return delivered
  }

  /** Null when the webhook took it (2xx), else why not. Never throws. */
  async #post(webhook: AlertWebhook, body: string): Promise<string | null> {
    const timestamp = String(Math.floor(this.#now().getTime() / 1_000))
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-switchyard-timestamp': timestamp }
    if (webhook.secret !== undefined) {
      const signature = createHmac('sha256', webhook.secret).update(`${timestamp}.${body}`).digest('hex')
      headers['x-switchyard-signature'] = `sha256=${signature}`
    }
    try {
      const response = await this.#fetch(webhook.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      })
      await response.arrayBuffer()
      return response.ok ? null : `HTTP ${response.status}`
    } catch (error) {
      return error instanceof Error ? error.message : 'request failed'
    }
  }
}
