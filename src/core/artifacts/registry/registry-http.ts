import { OperationError } from '../../errors.js'
import type { Logger } from '../../../platform/logger.js'
import { send, type TransportRequest } from './node-transport.js'
import { RegistryAuthenticator, type RegistryCredentials } from './registry-auth.js'
import {
  backoffDelay,
  defaultRetryPolicy,
  isTransientStatus,
  parseRetryAfter,
  type RetryPolicy,
  sleep
} from './retry-policy.js'

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** A path under the registry (`/v2/...`) or an absolute URL (upload locations). */
  url: string | URL
  headers?: Record<string, string>
  /** Sent again as-is on a retry, so it is always held in memory (one chunk at most). */
  body?: Uint8Array
  /** Token scopes the request needs, e.g. `repository:acme/catalog:pull,push`. */
  scopes: string[]
  /** Short description for errors: "upload of sha256:ab12... to acme/catalog". */
  what: string
}

export interface RegistryHttpOptions {
  registry: string
  baseUrl: URL
  credentials?: RegistryCredentials
  retry?: RetryPolicy
  logger: Logger
  signal?: AbortSignal
}

/** The body of a registry error answer: `{"errors":[{"code":"...","message":"..."}]}`. */
export async function registryErrorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string; detail?: unknown }[] }
    const errors = parsed.errors ?? []
    if (errors.length) return errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ')
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.trim().slice(0, 200)
}

/**
 * Sends registry requests: adds authentication (answering 401 challenges once), retries transient
 * failures (network errors, 408/429/5xx) with exponential backoff or the server's Retry-After, and
 * refuses redirects off the registry for anything but blob downloads.
 */
export class RegistryHttp {
  readonly registry: string
  readonly baseUrl: URL
  private readonly auth: RegistryAuthenticator
  private readonly retry: RetryPolicy
  private readonly logger: Logger
  private readonly signal: AbortSignal | undefined

  constructor(options: RegistryHttpOptions) {
    this.registry = options.registry
    this.baseUrl = options.baseUrl
    this.retry = options.retry ?? defaultRetryPolicy
    this.logger = options.logger
    this.signal = options.signal
    this.auth = new RegistryAuthenticator(
      options.credentials,
      (url, headers) => this.sendWithRetry(url, { method: 'GET', headers }, 'token request'),
      options.logger
    )
  }

  resolve(url: string | URL): URL {
    return new URL(url, this.baseUrl)
  }

  /** Sends the request; the caller checks the status it expects. 401 after authenticating is an error. */
  async send(request: RegistryRequest): Promise<Response> {
    const url = this.resolve(request.url)
    if (url.origin !== this.baseUrl.origin) {
      throw new OperationError(
        `registry ${this.registry} sent ${request.what} to another host (${url.origin}); refusing to send data there`
      )
    }
    await this.auth.prepare(request.scopes, this.registry)
    for (let challenges = 0; ; challenges++) {
      const headers: Record<string, string> = { ...request.headers }
      const authorization = this.auth.header(request.scopes)
      if (authorization) headers.authorization = authorization
      const response = await this.sendWithRetry(
        url,
        { method: request.method, headers, ...(request.body ? { body: request.body } : {}) },
        request.what
      )
      if (response.status !== 401) return response
      const challenge = response.headers.get('www-authenticate')
      await response.body?.cancel()
      if (challenges === 0 && (await this.auth.answer(challenge, request.scopes, this.registry))) continue
      throw new OperationError(
        `registry ${this.registry} refused ${request.what}: 401 unauthorized; give credentials that may push to it (for GHCR: the workflow token with 'packages: write')`
      )
    }
  }

  /** GET that may follow redirects (blob downloads often go to object storage). */
  async download(request: Omit<RegistryRequest, 'method' | 'body'>): Promise<Response> {
    const first = await this.send({ ...request, method: 'GET' })
    const location = first.headers.get('location')
    if (first.status < 300 || first.status >= 400 || !location) return first
    await first.body?.cancel()
    const target = new URL(location, this.resolve(request.url))
    // No Authorization header: the redirect target is another service with its own signed URL.
    return this.sendWithRetry(target, { method: 'GET', headers: request.headers ?? {} }, request.what)
  }

  private async sendWithRetry(url: URL, init: TransportRequest, what: string): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined
      let failure: string
      try {
        response = await send(url, { ...init, ...(this.signal ? { signal: this.signal } : {}) })
        if (!isTransientStatus(response.status)) return response
        failure = `HTTP ${response.status} ${await registryErrorText(response)}`.trim()
      } catch (error) {
        if (this.signal?.aborted) throw error
        const failed = error as { code?: string; message?: string }
        failure = `connection failed (${failed.code ?? failed.message ?? String(error)})`
      }
      const retryAfter = response ? parseRetryAfter(response.headers.get('retry-after')) : undefined
      if (attempt >= this.retry.attempts) {
        throw new OperationError(
          `registry ${this.registry}: ${what} failed after ${attempt} attempts: ${failure}`
        )
      }
      if (retryAfter !== undefined && retryAfter > this.retry.maxDelayMs) {
        throw new OperationError(
          `registry ${this.registry}: ${what} was rate limited and asked to wait ${Math.ceil(retryAfter / 1000)} s, longer than the ${Math.ceil(this.retry.maxDelayMs / 1000)} s allowed; try again later`
        )
      }
      const delay = retryAfter ?? backoffDelay(this.retry, attempt)
      this.logger.warning(
        `registry ${this.registry}: ${what} failed (${failure}); retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${this.retry.attempts})`
      )
      await sleep(delay, this.signal)
    }
  }
}
