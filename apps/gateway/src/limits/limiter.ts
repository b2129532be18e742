import { setTimeout as delay } from 'node:timers/promises'
import type { SnapshotBudget, SnapshotRateLimit, TokenUsage } from '@switchyard/contracts'
import { HttpError } from '@switchyard/http-server'
import {
  ALONE,
  type BudgetCheck,
  budgetSpent,
  type CounterBook,
  checkBudgets,
  checkRateLimits,
  countRequest,
  crossedThresholds,
  type LimitCost,
  type LimitStanding,
  reserve,
  SHARE_RETRY_MS,
  type Sharing,
  settleTokens,
  worstCaseCostMicroUsd,
} from '@switchyard/policy'
import { costMicroUsd, fromModelPrice } from '@switchyard/pricing'
import type { RuntimeDeployment, RuntimeKey, RuntimeModel, RuntimePolicy } from '../policy/runtime-policy.ts'

/** What admission knows of a request's size before it runs. */
export interface RequestSize {
  /** Estimated input tokens. */
  readonly inputTokens: number
  /** The most output it may produce: its max tokens, or the gateway's cap when it names none. */
  readonly maxOutputTokens: number
}

/** A budget alert: spend crossed one of its thresholds. */
export interface BudgetAlert {
  readonly budget: SnapshotBudget
  readonly thresholdPct: number
  readonly spentMicroUsd: number
}

/** An admitted request's hold on its limits and budgets, settled when it ends. */
export interface LimitTicket {
  /** The model to serve: the requested one, or a budget's cheaper downgrade. */
  readonly model: RuntimeModel
  readonly downgradedFrom: string | null
  /** `x-ratelimit-*` headers for the response. */
  readonly headers: Readonly<Record<string, string>>
  /**
   * Replaces the estimates with what happened: the tokens used and their cost at the deployment
   * that answered. Null usage with a deployment: the request reached a provider but its usage is
   * unknown (a broken stream), so the worst case stays counted. Null both: nothing was spent.
   * Only the first call counts.
   */
  settle(deployment: RuntimeDeployment | null, usage: TokenUsage | null): void
}

export type LimitRejection = 'requests' | 'tokens' | 'budget_exceeded' | 'budget_contended'

export class RateLimitedError extends HttpError {
  override readonly name = 'RateLimitedError'
  /**
   * True when nothing is spent yet but this pod used its share of what is left until its peers
   * know its counts: waiting a sync interval or two may let the request through.
   */
  readonly isShareSpent: boolean
  /** What refused: a requests or tokens limit, or a budget (`budget_exceeded`, `budget_contended`). */
  readonly rejection: LimitRejection

  constructor(
    ...args: [...ConstructorParameters<typeof HttpError>, isShareSpent?: boolean, rejection?: LimitRejection]
  ) {
    const [status, type, message, details, isShareSpent, rejection] = args
    super(status, type, message, details)
    this.isShareSpent = isShareSpent ?? false
    this.rejection = rejection ?? 'budget_exceeded'
  }
}

export interface LimiterOptions {
  readonly book: CounterBook
  /**
   * How many pods share the counts (this one included), and how long after a send its counts
   * are taken as known to them: from the counter exchange; default this pod alone.
   */
  readonly sharing?: () => Sharing
  readonly onAlert?: (alert: BudgetAlert) => void
  /** A request refused (after any wait for its share), by what refused it: for metrics. */
  readonly onReject?: (rejection: LimitRejection) => void
}

const NO_HEADERS: Readonly<Record<string, string>> = {}

/**
 * Rate limits and hard budgets, decided in memory from the pod's policy and the counter book it
 * shares with its peers. Admission checks every limit and budget that applies (the key's, its
 * team's, project's and user's, the model's, and budgets of the key's tags), counts the request
 * and reserves its worst-case cost; settling swaps the estimates for the real numbers.
 */
export class Limiter {
  readonly #book: CounterBook
  readonly #sharing: () => Sharing
  readonly #onAlert: (alert: BudgetAlert) => void
  readonly #onReject: (rejection: LimitRejection) => void

  constructor(options: LimiterOptions) {
    this.#book = options.book
    this.#sharing = options.sharing ?? (() => ALONE)
    this.#onAlert = options.onAlert ?? (() => {})
    this.#onReject = options.onReject ?? (() => {})
  }

  /**
   * Admits a request, waiting a little when this pod has used its share of what is left (a few
   * sync intervals at most, while its peers learn its counts) rather than refusing at once. The
   * request is sized (its tokens counted) only when a limit or budget applies to it.
   */
  async admitWaiting(
    policy: RuntimePolicy,
    key: RuntimeKey,
    model: RuntimeModel,
    sizeOf: () => RequestSize | Promise<RequestSize>,
    now: () => number,
  ): Promise<LimitTicket> {
    if (!this.applies(policy, key, model)) return freeTicket(model)
    const size = await sizeOf()
    const deadline = now() + this.#sharing().graceMs + SHARE_POLL_MS
    for (;;) {
      try {
        return this.admit(policy, key, model, size, now())
      } catch (error) {
        if (!(error instanceof RateLimitedError && error.isShareSpent) || now() >= deadline) {
          if (error instanceof RateLimitedError) this.#onReject(error.rejection)
          throw error
        }
        await delay(SHARE_POLL_MS)
      }
    }
  }

  /** Whether any rate limit or budget applies to this caller and model. */
  applies(policy: RuntimePolicy, key: RuntimeKey, model: RuntimeModel): boolean {
    // Most policies have none: answer without building the caller's scopes.
    if (policy.rateLimits.size === 0 && policy.budgets.size === 0) return false
    return (
      applicable(policy.rateLimits, scopesOf(key, model)).length > 0 ||
      applicable(policy.budgets, budgetScopesOf(key)).length > 0
    )
  }

  admit(policy: RuntimePolicy, key: RuntimeKey, model: RuntimeModel, size: RequestSize, nowMs: number): LimitTicket {
    const limits = applicable(policy.rateLimits, scopesOf(key, model))
    const budgets = applicable(policy.budgets, budgetScopesOf(key))
    if (limits.length === 0 && budgets.length === 0) return freeTicket(model)

    const pods = this.#sharing()
    const cost: LimitCost = { requests: 1, tokens: size.inputTokens + size.maxOutputTokens }
    const decision = checkRateLimits(limits, this.#book, cost, nowMs, pods)
    if (decision.kind === 'deny') {
      throw rateLimited(decision.limit, decision.limitKind, decision.retryAfterMs, decision.reason === 'share')
    }

    let served = model
    let downgradedFrom: string | null = null
    let reservation = worstCaseCostMicroUsd(pricesOf(served), size.inputTokens, size.maxOutputTokens)
    let budgetDecision = checkBudgets(budgets, this.#book, reservation, nowMs, pods)
    if (budgetDecision.kind === 'exceeded') {
      const downgrade = downgradeFor(policy, key, budgetDecision.budget, model)
      if (downgrade === undefined) throw budgetExceeded(budgetDecision.budget, budgetDecision.check, nowMs)
      served = downgrade
      downgradedFrom = model.name
      reservation = worstCaseCostMicroUsd(pricesOf(served), size.inputTokens, size.maxOutputTokens)
      // The budgets apply to the cheaper model too; one exceeded again refuses.
      budgetDecision = checkBudgets(budgets, this.#book, reservation, nowMs, pods)
      if (budgetDecision.kind === 'exceeded') throw budgetExceeded(budgetDecision.budget, budgetDecision.check, nowMs)
    }
    if (budgetDecision.kind === 'contended') throw budgetContended(budgetDecision.budget)
    const checks = budgetDecision.checks
    const window = countRequest(limits, this.#book, cost, nowMs)
    reserve(checks, this.#book, reservation)

    let isSettled = false
    return {
      model: served,
      downgradedFrom,
      headers: limitHeaders(decision.standings),
      settle: (deployment, usage) => {
        if (isSettled) return
        isSettled = true
        const tokens = usage === null ? (deployment === null ? 0 : cost.tokens) : totalTokens(usage)
        settleTokens(limits, this.#book, window, cost.tokens, tokens)
        const spent =
          usage === null
            ? deployment === null
              ? 0
              : reservation
            : deployment === null
              ? 0
              : costMicroUsd(usage, fromModelPrice(deployment.prices))
        this.#settleBudgets(checks, reservation, spent)
      },
    }
  }

  /** Swaps each budget's reservation for the real spend, and raises the alerts it crossed. */
  #settleBudgets(checks: readonly BudgetCheck[], reservation: number, spent: number): void {
    const nowMs = checks[0]?.bucketMs ?? 0
    for (const check of checks) {
      const { budget, span } = check
      const before = budgetSpent(budget, this.#book, span, Math.max(nowMs, check.bucketMs)) - reservation
      reserve([check], this.#book, spent - reservation)
      if (spent <= 0) continue
      for (const thresholdPct of crossedThresholds(budget, before, before + spent)) {
        this.#onAlert({ budget, thresholdPct, spentMicroUsd: before + spent })
      }
    }
  }
}

const totalTokens = (usage: TokenUsage) => usage.inputTokens + usage.outputTokens

function freeTicket(model: RuntimeModel): LimitTicket {
  return { model, downgradedFrom: null, headers: NO_HEADERS, settle: () => {} }
}

function scopesOf(key: RuntimeKey, model: RuntimeModel): string[] {
  const scopes = [`model:${model.id}`]
  if (key.jwt === undefined) scopes.push(`key:${key.id}`)
  if (key.teamId !== null) scopes.push(`team:${key.teamId}`)
  if (key.userId !== null) scopes.push(`user:${key.userId}`)
  return scopes
}

function budgetScopesOf(key: RuntimeKey): string[] {
  const scopes = Object.entries(key.tags).map(([name, value]) => `tag:${name}=${value}`)
  if (key.jwt === undefined) scopes.push(`key:${key.id}`)
  if (key.teamId !== null) scopes.push(`team:${key.teamId}`)
  if (key.projectId !== null) scopes.push(`project:${key.projectId}`)
  if (key.userId !== null) scopes.push(`user:${key.userId}`)
  return scopes
}

function applicable<T>(index: ReadonlyMap<string, readonly T[]>, scopes: readonly string[]): T[] {
  if (index.size === 0) return []
  return scopes.flatMap((scope) => index.get(scope) ?? [])
}

const pricesOf = (model: RuntimeModel) => model.servingDeployments.map((deployment) => deployment.prices)

/** A budget's downgrade target, if it names one the caller may use (and it is not the model itself). */
function downgradeFor(
  policy: RuntimePolicy,
  key: RuntimeKey,
  budget: SnapshotBudget,
  model: RuntimeModel,
): RuntimeModel | undefined {
  if (budget.onExceed.action !== 'downgrade') return undefined
  const target = policy.modelsById.get(budget.onExceed.modelId)
  if (target === undefined || target.id === model.id) return undefined
  if (key.allowedModels !== null && !key.allowedModels.has(target.name)) return undefined
  return target
}

/** How often a request waiting for its pod's share looks again. */
const SHARE_POLL_MS = 25

const PERIOD = { daily: 'day', weekly: 'week', monthly: 'month' } as const

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1_000))

function rateLimited(
  limit: SnapshotRateLimit,
  kind: 'requests' | 'tokens',
  retryAfterMs: number,
  isShareSpent: boolean,
): RateLimitedError {
  const max = kind === 'requests' ? limit.requestsPerMinute : limit.tokensPerMinute
  return new RateLimitedError(
    429,
    'rate_limit_error',
    `Rate limit ${limit.name} reached: ${max} ${kind} per minute for this ${limit.scope.kind}. Retry after ${seconds(retryAfterMs)} s.`,
    { code: 'rate_limit_exceeded', headers: { 'retry-after': String(seconds(retryAfterMs)) } },
    isShareSpent,
    kind,
  )
}

function budgetExceeded(budget: SnapshotBudget, check: BudgetCheck, nowMs: number): RateLimitedError {
  const usd = (micro: number) => `$${(micro / 1_000_000).toFixed(2)}`
  return new RateLimitedError(
    429,
    'insufficient_quota',
    `Budget ${budget.name} is spent: ${usd(check.spentMicroUsd)} of ${usd(budget.limitMicroUsd)} this ${PERIOD[budget.window]}, with no room for a request of this size until it resets.`,
    { code: 'budget_exceeded', headers: { 'retry-after': String(seconds(check.span.endMs - nowMs)) } },
  )
}

function budgetContended(budget: SnapshotBudget): RateLimitedError {
  return new RateLimitedError(
    429,
    'insufficient_quota',
    `Budget ${budget.name} is nearly spent and other gateway pods are spending it too; retry in a moment.`,
    { code: 'budget_contended', headers: { 'retry-after': String(seconds(SHARE_RETRY_MS)) } },
    true,
    'budget_contended',
  )
}

/** The tightest standing of each kind, as OpenAI's `x-ratelimit-*` headers. */
function limitHeaders(standings: readonly LimitStanding[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const kind of ['requests', 'tokens'] as const) {
    const tightest = standings.filter((standing) => standing.kind === kind).sort((a, b) => a.remaining - b.remaining)[0]
    if (tightest === undefined) continue
    headers[`x-ratelimit-limit-${kind}`] = String(tightest.limit)
    headers[`x-ratelimit-remaining-${kind}`] = String(tightest.remaining)
    headers[`x-ratelimit-reset-${kind}`] = `${Math.max(0, Math.ceil(tightest.resetMs / 1_000))}s`
  }
  return headers
}
