/**
 * When a registry request is worth repeating, and how long to wait first.
 * Statuses follow go-containerregistry's defaults: timeouts, rate limits and server errors are
 * transient; everything else is an answer.
 */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  attempts: number
  /** First backoff delay; doubled after every failed attempt. */
  baseDelayMs: number
  /** Longest single wait, including a server's Retry-After; a longer Retry-After is an error. */
  maxDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 }

const TRANSIENT_STATUSES = new Set([408, 429, 499, 500, 502, 503, 504, 522])

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUSES.has(status)
}

/** Seconds (`120`) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const when = Date.parse(value)
  return Number.isNaN(when) ? undefined : Math.max(0, when - now)
}

/** Exponential backoff: base, 2 x base, 4 x base ... capped at maxDelayMs. */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1))
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason as Error)
      },
      { once: true }
    )
  })
}
