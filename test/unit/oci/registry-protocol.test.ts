import { describe, expect, it } from '@jest/globals'
import { parseChallenge } from '../../../src/core/artifacts/registry/registry-auth.js'
import {
  backoffDelay,
  defaultRetryPolicy,
  isTransientStatus,
  parseRetryAfter
} from '../../../src/core/artifacts/registry/retry-policy.js'

describe('registry auth challenges', () => {
  it('reads a GHCR-style bearer challenge', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/app:pull"'
      )
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/app:pull' }
    })
  })

  it('reads a basic challenge and unquoted values', () => {
    expect(parseChallenge('Basic realm=registry')).toEqual({ scheme: 'basic', params: { realm: 'registry' } })
  })
})

describe('retry policy', () => {
  it('treats timeouts, rate limits and server errors as transient, answers as final', () => {
    expect([408, 429, 500, 502, 503, 504].every(isTransientStatus)).toBe(true)
    expect([400, 401, 403, 404, 413, 416].some(isTransientStatus)).toBe(false)
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('doubles the wait after each failure up to the cap', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 350 }
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n))).toEqual([100, 200, 350, 350])
  })
})
