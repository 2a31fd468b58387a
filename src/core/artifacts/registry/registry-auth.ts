import { OperationError } from '../../errors.js'
import type { Logger } from '../../../platform/logger.js'

/**
 * Registry credentials. For GHCR in a workflow: username = the actor, password = the workflow's
 * GITHUB_TOKEN (with `packages: write`).
 */
export interface RegistryCredentials {
  username: string
  password: string
}

/** One `WWW-Authenticate` challenge: scheme plus its parameters (realm, service, scope...). */
export interface AuthChallenge {
  scheme: string
  params: Record<string, string>
}

/** Parses `Bearer realm="https://x/token",service="x",scope="repository:a:pull"` (quoted or bare values). */
export function parseChallenge(header: string): AuthChallenge | undefined {
  const match = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(.*)$/s.exec(header)
  if (!match) return undefined
  const params: Record<string, string> = {}
  const pattern = /([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g
  for (const m of (match[2] ?? '').matchAll(pattern)) {
    const key = (m[1] ?? '').toLowerCase()
    params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '')
  }
  return { scheme: (match[1] ?? '').toLowerCase(), params }
}

function basicHeader(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
}

/** Fetches tokens for a `Bearer` challenge; an injected fetch keeps it testable. */
export type TokenFetcher = (url: URL, headers: Record<string, string>) => Promise<Response>

/**
 * Answers registry challenges: remembers whether the registry wants Basic or Bearer, and keeps one
 * bearer token per scope set so a push asks the token service once per repository.
 */
export class RegistryAuthenticator {
  private scheme: 'none' | 'basic' | 'bearer' = 'none'
  private bearerChallenge: AuthChallenge | undefined
  private readonly tokens = new Map<string, string>()

  constructor(
    private readonly credentials: RegistryCredentials | undefined,
    private readonly fetchToken: TokenFetcher,
    private readonly logger: Logger
  ) {
    if (credentials) logger.mask(credentials.password)
  }

  /** The Authorization header for a request needing `scopes`, if the registry asked for one. */
  header(scopes: string[]): string | undefined {
    if (this.scheme === 'basic' && this.credentials) return basicHeader(this.credentials)
    if (this.scheme === 'bearer') {
      const token = this.tokens.get(scopeKey(scopes))
      return token ? `Bearer ${token}` : undefined
    }
    return undefined
  }

  /**
   * Handles a 401: learns the scheme, fetches a token if needed. Returns false when there is
   * nothing new to try (so the caller reports the 401 instead of looping).
   */
  async answer(wwwAuthenticate: string | null, scopes: string[], registry: string): Promise<boolean> {
    const challenge = wwwAuthenticate ? parseChallenge(wwwAuthenticate) : undefined
    if (!challenge) return false
    if (challenge.scheme === 'basic') {
      if (!this.credentials || this.scheme === 'basic') return false
      this.scheme = 'basic'
      return true
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return false
    // A token we already hold was refused (expired mid-push): fetch a fresh one; the caller
    // retries a request only once, so a token service that keeps issuing refused tokens ends in a 401.
    const key = scopeKey(scopes)
    this.scheme = 'bearer'
    this.bearerChallenge = challenge
    this.tokens.set(key, await this.requestToken(challenge, scopes, registry))
    return true
  }

  /** Fetches a token ahead of a 401 once the registry is known to use bearer tokens. */
  async prepare(scopes: string[], registry: string): Promise<void> {
    if (this.scheme !== 'bearer' || !this.bearerChallenge || this.tokens.has(scopeKey(scopes))) return
    this.tokens.set(scopeKey(scopes), await this.requestToken(this.bearerChallenge, scopes, registry))
  }

  private async requestToken(challenge: AuthChallenge, scopes: string[], registry: string): Promise<string> {
    let url: URL
    try {
      url = new URL(challenge.params.realm ?? '')
    } catch {
      throw new OperationError(
        `registry ${registry} gave an unusable token realm '${challenge.params.realm}'`
      )
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service)
    for (const scope of scopes) url.searchParams.append('scope', scope)
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.credentials) headers.authorization = basicHeader(this.credentials)
    let response: Response
    try {
      response = await this.fetchToken(url, headers)
    } catch (error) {
      throw new OperationError(
        `could not reach the token service of ${registry} (${url.origin}): ${String(error)}`
      )
    }
    if (!response.ok) {
      throw new OperationError(
        `the token service of ${registry} refused ${this.credentials ? `user '${this.credentials.username}'` : 'anonymous access'} for ${scopes.join(' ')} (HTTP ${response.status}); check the registry credentials and that they may push to this repository`
      )
    }
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown }
    const token = typeof body.token === 'string' ? body.token : body.access_token
    if (typeof token !== 'string' || !token) {
      throw new OperationError(`the token service of ${registry} answered without a token`)
    }
    this.logger.mask(token)
    return token
  }
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(' ')
}
