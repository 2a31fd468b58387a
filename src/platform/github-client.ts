/**
 * The one way shipline talks to the GitHub REST API: an Octokit from `@actions/github`'s
 * `getOctokit` with `@octokit/plugin-retry` and `@octokit/plugin-throttling`, plus a small policy
 * plugin so every wait GitHub asks for is honoured and every retry is bounded.
 *
 * API
 *   createGitHubClient(options) -> GitHubClient (an Octokit: `client.rest.repos.createDeployment`,
 *     `client.paginate(...)`, `client.request(...)`)
 *   describeGitHubError(error) -> one line for people ("403 Resource not accessible by integration:
 *     the token lacks a permission (deploy needs `deployments: write`)")
 *   isGitHubStatus(error, status) -> whether a request failed with that HTTP status
 *
 * Options (GitHubClientOptions)
 *   token            GITHUB_TOKEN or a PAT (required; masked by the caller)
 *   baseUrl          API root; default GITHUB_API_URL or https://api.github.com (tests: the fake server)
 *   logger           every wait and retry is logged at info level with the seconds waited
 *   retries          attempts after the first, for 5xx/network/timeouts and for rate limits (default 3)
 *   maxWaitSeconds   the longest single wait honoured; a longer Retry-After or reset fails at once
 *                    with a clear message instead of blocking a job for an hour (default 120)
 *   requestTimeoutMs a request with no answer by then is aborted and retried (default 30 000)
 *   msPerSecond      length of one "second" of waiting; tests pass a few ms instead of fake timers
 *                    (default 1000)
 *   minWriteIntervalMs spacing between writes (POST/PATCH/PUT/DELETE); GitHub asks for one second,
 *                    which is the throttling plugin's default and ours (tests pass 0)
 *   signal           cancels in-flight requests (SIGINT/SIGTERM); an aborted request is never retried
 *
 * Policy, and why (see the platform sheet §5)
 *   - 403/429 that are rate limits go to the throttling plugin: a secondary limit waits Retry-After
 *     (60 s when absent), a primary limit (x-ratelimit-remaining: 0) waits until x-ratelimit-reset + 1 s.
 *   - Other 429 and 5xx and network failures are retried by the retry plugin's loop, but the delay is
 *     ours: Retry-After when the server sent one (the plugin alone ignores it), else 1, 4, 9 s.
 *   - 400, 401, 403, 404, 410, 422, 451 are never retried.
 *   - POSTs are retried too, so callers of non-idempotent endpoints (create deployment) must make the
 *     repeat safe themselves (look before creating again); see core/deploy/github-record.ts.
 */
import { getOctokit } from '@actions/github'
import { defaults as actionsDefaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import type { Octokit } from '@octokit/core'
import type { ThrottlingOptions } from '@octokit/plugin-throttling'
import type { Logger } from './logger.js'

export interface GitHubClientOptions {
  token: string
  baseUrl?: string
  logger: Logger
  retries?: number
  maxWaitSeconds?: number
  requestTimeoutMs?: number
  msPerSecond?: number
  minWriteIntervalMs?: number
  signal?: AbortSignal
  userAgent?: string
}

export type GitHubClient = ReturnType<typeof getOctokit>

/** HTTP statuses GitHub uses for requests that will fail the same way when repeated. */
const NEVER_RETRIED = new Set([400, 401, 403, 404, 410, 422, 451])

interface RequestErrorLike {
  status: number
  message: string
  request?: { method?: string; url?: string; request?: Record<string, unknown> }
  response?: { headers?: Record<string, string | undefined>; data?: unknown }
}

function asRequestError(error: unknown): RequestErrorLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' ? (error as RequestErrorLike) : undefined
}

/** True for the 403/429 answers the throttling plugin owns (so the retry loop must leave them alone). */
function isRateLimitAnswer(error: RequestErrorLike): boolean {
  if (error.status !== 403 && error.status !== 429) return false
  if (/\bsecondary rate\b/i.test(error.message)) return true
  return error.response?.headers?.['x-ratelimit-remaining'] === '0'
}

/** Seconds from a Retry-After header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000))
}

/** A `fetch` that gives up on a silent server, and still follows the caller's cancellation. */
function fetchWithTimeout(base: typeof fetch, timeoutMs: number, cancel?: AbortSignal): typeof fetch {
  return (url, init = {}) => {
    const signals = [AbortSignal.timeout(timeoutMs)]
    if (init.signal) signals.push(init.signal)
    if (cancel) signals.push(cancel)
    return base(url, { ...init, signal: AbortSignal.any(signals) })
  }
}

/**
 * The retry delay policy. Registered before plugin-retry, so its error hook runs first and marks the
 * request for retry with the delay GitHub asked for; plugin-retry then sees a status it never retries
 * on its own (we pass every status in its doNotRetry list) and leaves our marks as they are, and its
 * Bottleneck loop performs the bounded retries.
 */
function retryAfterPolicy(maxRetries: number, maxWaitSeconds: number, logger: Logger, cancel?: AbortSignal) {
  return (octokit: Octokit) => {
    octokit.hook.error('request', async (error, options) => {
      const failure = asRequestError(error)
      const inner = failure?.request?.request
      // A cancelled request is never repeated (the name check alone misses cross-realm DOMExceptions).
      const cancelled = cancel?.aborted || (error instanceof Error && error.name === 'AbortError')
      if (!failure || !inner || cancelled) throw error
      const retryable =
        !NEVER_RETRIED.has(failure.status) && (failure.status === 429 || failure.status >= 500)
      if (!retryable || isRateLimitAnswer(failure)) throw error
      const attempt = Number((options.request as { retryCount?: number }).retryCount ?? 0)
      const asked = retryAfterSeconds(failure.response?.headers?.['retry-after'])
      const wait = asked ?? (attempt + 1) ** 2
      if (wait > maxWaitSeconds) {
        throw Object.assign(failure, {
          message: `${failure.message} (GitHub asked to wait ${wait} s, more than the ${maxWaitSeconds} s shipline waits)`
        })
      }
      // A caller can lower the retries of one request (`request: { retries: 0 }`), e.g. a create it
      // wants to check for itself before repeating.
      const own = (options.request as { retries?: number }).retries
      const limit = own !== undefined && own < maxRetries ? own : maxRetries
      if (attempt < limit) {
        const why = asked !== undefined ? 'Retry-After' : 'backoff'
        logger.info(
          `GitHub answered ${failure.status} to ${options.method} ${options.url}; retry ${attempt + 1}/${limit} in ${wait} s (${why})`
        )
      }
      failure.request!.request = { ...inner, retries: limit, retryAfter: wait }
      throw failure
    })
  }
}

/** A Bottleneck-shaped queue (`key(id).schedule(options, fn)`) that spaces writes by `intervalMs`. */
function spacedWriteQueue(intervalMs: number) {
  let next = 0
  const queue = {
    schedule: async <T>(_options: unknown, fn: () => Promise<T>): Promise<T> => {
      const now = Date.now()
      const at = Math.max(now, next)
      next = at + intervalMs
      if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now))
      return fn()
    }
  }
  return { key: () => queue }
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.retries ?? 3
  const maxWaitSeconds = options.maxWaitSeconds ?? 120
  const msPerSecond = options.msPerSecond ?? 1000
  const logger = options.logger
  const baseUrl = options.baseUrl ?? process.env['GITHUB_API_URL'] ?? 'https://api.github.com'
  // The proxy-aware fetch @actions/github prepares for its default API URL; plain fetch elsewhere.
  const defaultFetch = actionsDefaults.request?.fetch as typeof fetch | undefined
  const baseFetch = baseUrl === actionsDefaults.baseUrl && defaultFetch ? defaultFetch : fetch

  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, attempt: number) => {
      if (retryAfter > maxWaitSeconds) {
        logger.warning(
          `GitHub ${kind} on ${request.method} ${request.url}: asked to wait ${retryAfter} s, more than the ${maxWaitSeconds} s shipline waits; giving up`
        )
        return false
      }
      if (attempt >= retries) {
        logger.warning(
          `GitHub ${kind} on ${request.method} ${request.url}: still limited after ${retries} retries`
        )
        return false
      }
      logger.info(
        `GitHub ${kind} on ${request.method} ${request.url}; retry ${attempt + 1}/${retries} in ${retryAfter} s`
      )
      return true
    }

  const throttle = {
    retryAfterBaseValue: msPerSecond,
    onRateLimit: onLimit('rate limit'),
    onSecondaryRateLimit: onLimit('secondary rate limit')
  }
  if (options.minWriteIntervalMs !== undefined && options.minWriteIntervalMs !== 1000) {
    // Per-client write spacing; the plugin's own write queue is shared by the whole process.
    Object.assign(throttle, { write: spacedWriteQueue(options.minWriteIntervalMs) })
  }

  return getOctokit(
    options.token,
    {
      baseUrl,
      userAgent: options.userAgent ?? 'shipline',
      log: {
        debug: (m: string) => logger.debug(m),
        info: (m: string) => logger.debug(m),
        warn: (m: string) => logger.warning(m),
        error: (m: string) => logger.error(m)
      },
      request: {
        fetch: fetchWithTimeout(baseFetch, options.requestTimeoutMs ?? 30_000, options.signal)
      },
      retry: {
        retries,
        retryAfterBaseValue: msPerSecond,
        // Every error status: plugin-retry provides the bounded loop, retryAfterPolicy decides.
        doNotRetry: Array.from({ length: 200 }, (_, i) => 400 + i)
      },
      throttle: throttle as ThrottlingOptions
    },
    retryAfterPolicy(retries, maxWaitSeconds, logger, options.signal),
    retry,
    throttling
  )
}

/** Whether `error` is a failed GitHub request with this status. */
export function isGitHubStatus(error: unknown, status: number): boolean {
  return asRequestError(error)?.status === status
}

/** One line a person can act on; never the token or the request headers. */
export function describeGitHubError(error: unknown): string {
  const failure = asRequestError(error)
  if (!failure) return error instanceof Error ? error.message : String(error)
  // Octokit appends ` - <documentation_url>`; people need the message, not the link.
  const firstLine = (failure.message.split('\n')[0] ?? '').replace(/ - https:\/\/\S+$/, '')
  if (failure.status === 403 && /not accessible by integration/i.test(firstLine))
    return `403 ${firstLine}: the token lacks a permission (deploy needs \`deployments: write\`)`
  if (failure.status === 401) return `401 ${firstLine}: the token is missing, expired or revoked`
  return `${failure.status} ${firstLine}`
}
