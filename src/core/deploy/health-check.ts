/**
 * The health gate: GET http://<address>:<port><path> until it answers 2xx, each attempt bounded by
 * the timeout, `retries` more attempts `interval` apart. Stops early when the deploy is cancelled.
 */
import type { HealthSpec } from '../manifest/types.js'

export interface HealthResult {
  passed: boolean
  attempts: number
  /** The last answer or error, for the summary and the failure message. */
  detail: string
  durationMs: number
}

export async function checkHealth(
  url: string,
  health: HealthSpec,
  signal?: AbortSignal
): Promise<HealthResult> {
  const started = Date.now()
  let detail = 'not checked'
  let attempts = 0
  for (let attempt = 0; attempt <= health.retries; attempt++) {
    if (signal?.aborted)
      return { passed: false, attempts, detail: 'cancelled', durationMs: Date.now() - started }
    if (attempt > 0) await sleep(health.intervalMs, signal)
    attempts++
    try {
      const timeout = AbortSignal.timeout(health.timeoutMs)
      const response = await fetch(url, { signal: signal ? AbortSignal.any([timeout, signal]) : timeout })
      await response.arrayBuffer()
      detail = `HTTP ${response.status}`
      if (response.status >= 200 && response.status < 300)
        return { passed: true, attempts, detail, durationMs: Date.now() - started }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      detail = cause ?? (error as Error).name ?? String(error)
    }
  }
  return { passed: false, attempts, detail, durationMs: Date.now() - started }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
