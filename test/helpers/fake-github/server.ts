/**
 * A local stand-in for api.github.com, for tests: a real HTTP server on 127.0.0.1 that checks every
 * request against GitHub's published OpenAPI description and can misbehave on purpose.
 *
 * API
 *   const github = await FakeGitHub.start()      // listens on 127.0.0.1:<random port>
 *   github.url                                   // pass as baseUrl / GITHUB_API_URL
 *   github.token                                 // the token it accepts ('Authorization: token <t>')
 *   github.inject({ operation: 'repos/create-deployment', fault: { kind: 'after-success', status: 502 } })
 *   github.requests                              // every request: method, path, operation, body, status, fault
 *   github.violations                            // requests that did not match the description (assert empty)
 *   github.store                                 // deployments and statuses (DeploymentsStore)
 *   github.handle('repos/get-environment', ctx => ({ status: 200, body: {...} }))   // add an operation
 *   await github.close()                         // also ends hanging requests
 *
 * Built-in operations: repos/create-deployment, repos/list-deployments, repos/get-deployment,
 * repos/create-deployment-status, repos/list-deployment-statuses (paginated with Link headers,
 * newest first, per_page up to 100). A request that conforms to the description but has no handler
 * answers 501 and is listed in `unhandled`. A request that does not conform answers 422 with the
 * problems and is listed in `violations`; our own answers are checked against the response schemas
 * too (a mismatch is a bug in this fake and also lands in `violations`).
 *
 * Faults (faults.ts): 429 with Retry-After, secondary rate limit (403/429, Retry-After optional),
 * primary rate limit (x-ratelimit-remaining 0 + reset), any status, "handled but answered 502", hang.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ApiError, DeploymentsStore } from './deployments-store.js'
import { arm, faultAnswer, takeFault, type ArmedRule, type FaultRule } from './faults.js'
import { OpenApiDescription } from './openapi-description.js'

export interface HandlerContext {
  owner: string
  repo: string
  /** `owner/repo` */
  fullName: string
  params: Record<string, string>
  query: URLSearchParams
  body: Record<string, unknown>
  store: DeploymentsStore
  /** Pagination over a full list, with GitHub's Link header. */
  page<T>(items: T[]): { body: T[]; headers: Record<string, string> }
}

export interface HandlerAnswer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (context: HandlerContext) => HandlerAnswer

export interface RecordedRequest {
  method: string
  path: string
  operation: string | undefined
  query: Record<string, string>
  body: unknown
  status: number | 'hang'
  fault?: string
  /** Milliseconds since the server started. */
  at: number
}

export interface FakeGitHubOptions {
  token?: string
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = []
  readonly violations: string[] = []
  readonly unhandled: string[] = []
  readonly store = new DeploymentsStore()
  readonly token: string
  private readonly rules: ArmedRule[] = []
  private readonly handlers = new Map<string, Handler>()
  private readonly description = OpenApiDescription.load()
  private readonly startedAt = Date.now()
  private server!: Server
  url = ''

  private constructor(options: FakeGitHubOptions) {
    this.token = options.token ?? 'ghs_faketoken000000000000000000000000000'
    this.registerDeployments()
  }

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const fake = new FakeGitHub(options)
    fake.server = createServer((req, res) => void fake.serve(req, res))
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve))
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`
    return fake
  }

  inject(rule: FaultRule): void {
    this.rules.push(arm(rule))
  }

  handle(operationId: string, handler: Handler): void {
    if (!this.description.operationById(operationId))
      throw new Error(`fake-github: ${operationId} is not an operation of api.github.com`)
    this.handlers.set(operationId, handler)
  }

  /** Requests for one operation, in order. */
  calls(operationId: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operationId)
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    const raw = await readBody(req)
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      operation: undefined,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      at: Date.now() - this.startedAt
    }
    this.requests.push(record)
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3; format=json',
        ...headers
      })
      res.end(body === undefined ? '' : JSON.stringify(body))
    }
    const error = (status: number, message: string): void =>
      send(status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) })

    const found = this.description.find(method, url.pathname)
    if (!found) {
      this.violations.push(`${method} ${url.pathname}: no such operation in api.github.com`)
      return error(404, 'Not Found')
    }
    const { operation, params } = found
    record.operation = operation.id

    const auth = req.headers['authorization'] ?? ''
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`)
      return error(401, 'Bad credentials')

    let body: unknown
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw)
      } catch {
        this.violations.push(`${method} ${url.pathname}: body is not JSON`)
        return error(400, 'Problems parsing JSON')
      }
    }
    record.body = body
    const problems = this.description.checkRequest(operation, params, url.searchParams, body)
    if (problems.length > 0) {
      this.violations.push(`${operation.id}: ${problems.join('; ')}`)
      return error(422, `Invalid request.\n\n${problems.join('\n')}`)
    }

    const fault = takeFault(this.rules, operation.id, method, operation.template)
    if (fault) record.fault = fault.kind
    if (fault?.kind === 'hang') {
      record.status = 'hang'
      return
    }
    if (fault && fault.kind !== 'after-success') {
      const answer = faultAnswer(fault, Date.now())
      return send(answer.status, answer.body, answer.headers)
    }

    const handler = this.handlers.get(operation.id)
    if (!handler) {
      this.unhandled.push(operation.id)
      return error(501, `fake-github does not implement ${operation.id}`)
    }
    let answer: HandlerAnswer
    try {
      answer = handler(this.context(params, url, body))
    } catch (failure) {
      if (failure instanceof ApiError) return error(failure.status, failure.message)
      throw failure
    }
    for (const problem of this.description.checkResponse(operation, answer.status, answer.body))
      this.violations.push(`fake-github answer to ${operation.id}: ${problem}`)
    if (fault?.kind === 'after-success') return error(fault.status, 'Bad Gateway')
    send(answer.status, answer.body, answer.headers)
  }

  private context(params: Record<string, string>, url: URL, body: unknown): HandlerContext {
    const owner = params['owner'] ?? ''
    const repo = params['repo'] ?? ''
    const base = this.url
    return {
      owner,
      repo,
      fullName: `${owner}/${repo}`,
      params,
      query: url.searchParams,
      body: (body ?? {}) as Record<string, unknown>,
      store: this.store,
      page<T>(items: T[]) {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
        const page = Math.max(Number(url.searchParams.get('page') ?? 1), 1)
        const last = Math.max(Math.ceil(items.length / perPage), 1)
        const link = (n: number, rel: string): string => {
          const next = new URL(url.pathname + url.search, base)
          next.searchParams.set('per_page', String(perPage))
          next.searchParams.set('page', String(n))
          return `<${next.toString()}>; rel="${rel}"`
        }
        const links: string[] = []
        if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
        if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
        const headers: Record<string, string> = links.length > 0 ? { link: links.join(', ') } : {}
        return { body: items.slice((page - 1) * perPage, page * perPage), headers }
      }
    }
  }

  private registerDeployments(): void {
    this.handlers.set('repos/create-deployment', (c) => {
      const d = c.store.create(c.fullName, c.body)
      return { status: 201, body: c.store.deploymentJson(d, c.owner, c.repo) }
    })
    this.handlers.set('repos/list-deployments', (c) => {
      const filter = {
        sha: c.query.get('sha') ?? undefined,
        ref: c.query.get('ref') ?? undefined,
        task: c.query.get('task') ?? undefined,
        environment: c.query.get('environment') ?? undefined
      }
      const all = c.store.list(c.fullName, filter).map((d) => c.store.deploymentJson(d, c.owner, c.repo))
      return { status: 200, ...c.page(all) }
    })
    this.handlers.set('repos/get-deployment', (c) => ({
      status: 200,
      body: c.store.deploymentJson(
        c.store.get(c.fullName, Number(c.params['deployment_id'])),
        c.owner,
        c.repo
      )
    }))
    this.handlers.set('repos/create-deployment-status', (c) => {
      const id = Number(c.params['deployment_id'])
      const status = c.store.addStatus(c.fullName, id, c.body)
      return { status: 201, body: c.store.statusJson(c.store.get(c.fullName, id), status, c.owner, c.repo) }
    })
    this.handlers.set('repos/list-deployment-statuses', (c) => {
      const d = c.store.get(c.fullName, Number(c.params['deployment_id']))
      const all = [...d.statuses].reverse().map((s) => c.store.statusJson(d, s, c.owner, c.repo))
      return { status: 200, ...c.page(all) }
    })
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
