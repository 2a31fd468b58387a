/**
 * Faults the fake GitHub server can inject, one rule at a time, each matching an operation by its
 * OpenAPI operationId (`repos/create-deployment`) or by `METHOD /template`.
 */
export type Fault =
  /** Answer this status instead of handling the request (nothing changes on the server). */
  | { kind: 'status'; status: number; message?: string; retryAfter?: number }
  /** Handle the request (the deployment IS created), then answer this status: a lying gateway. */
  | { kind: 'after-success'; status: number }
  /** 429 Too Many Requests, optionally with Retry-After (seconds). */
  | { kind: 'too-many-requests'; retryAfter?: number }
  /** GitHub's secondary rate limit: 403 (or 429) with the documented message, Retry-After optional. */
  | { kind: 'secondary-rate-limit'; status?: 403 | 429; retryAfter?: number }
  /** Primary rate limit: x-ratelimit-remaining 0 and a reset this many seconds ahead. */
  | { kind: 'primary-rate-limit'; status?: 403 | 429; resetInSeconds: number }
  /** Never answer (until the server closes). */
  | { kind: 'hang' }

export interface FaultRule {
  /** operationId (`repos/create-deployment-status`) or `POST /repos/{owner}/{repo}/deployments`. */
  operation: string
  fault: Fault
  /** How many matching requests get the fault (default 1). */
  times?: number
  /** Let this many matching requests through first (default 0). */
  skip?: number
}

export interface ArmedRule extends FaultRule {
  remaining: number
  toSkip: number
}

export function arm(rule: FaultRule): ArmedRule {
  return { ...rule, remaining: rule.times ?? 1, toSkip: rule.skip ?? 0 }
}

/** The fault for this request, consuming one use of the first rule that matches. */
export function takeFault(
  rules: ArmedRule[],
  operationId: string,
  method: string,
  template: string
): Fault | undefined {
  for (const rule of rules) {
    const matches = rule.operation === operationId || rule.operation === `${method} ${template}`
    if (!matches || rule.remaining <= 0) continue
    if (rule.toSkip > 0) {
      rule.toSkip--
      return undefined
    }
    rule.remaining--
    return rule.fault
  }
  return undefined
}

export interface FaultAnswer {
  status: number
  headers: Record<string, string>
  body: { message: string; documentation_url: string; status: string }
}

const DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'

/** The answer GitHub gives for a fault that replaces the real handling. */
export function faultAnswer(
  fault: Exclude<Fault, { kind: 'after-success' } | { kind: 'hang' }>,
  nowMs: number
): FaultAnswer {
  const answer = (status: number, message: string, headers: Record<string, string> = {}): FaultAnswer => ({
    status,
    headers,
    body: { message, documentation_url: DOCS, status: String(status) }
  })
  const retryAfter = (seconds?: number): Record<string, string> =>
    seconds === undefined ? {} : { 'retry-after': String(seconds) }
  switch (fault.kind) {
    case 'status':
      return answer(fault.status, fault.message ?? 'Server Error', retryAfter(fault.retryAfter))
    case 'too-many-requests':
      return answer(429, 'Too Many Requests', retryAfter(fault.retryAfter))
    case 'secondary-rate-limit':
      return answer(
        fault.status ?? 403,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        retryAfter(fault.retryAfter)
      )
    case 'primary-rate-limit':
      return answer(fault.status ?? 403, 'API rate limit exceeded for installation.', {
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '1000',
        'x-ratelimit-reset': String(Math.floor(nowMs / 1000) + fault.resetInSeconds)
      })
  }
}
