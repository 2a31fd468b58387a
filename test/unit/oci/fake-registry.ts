import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the fake registry saw, for assertions on what the client sent. */
export interface SeenRequest {
  method: string
  path: string
  query: URLSearchParams
  authorization?: string
  bytes: number
}

/**
 * Decides how to answer a request before the registry logic runs; return true when it answered
 * (or destroyed the socket) itself. Tests use it to inject 401/429/500 and dropped connections.
 */
export type Fault = (request: IncomingMessage, response: ServerResponse, seen: SeenRequest) => boolean

const digestOf = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/**
 * An in-memory OCI distribution registry on 127.0.0.1: enough of the API (blobs, mounts,
 * monolithic and chunked uploads, manifests, optional Basic or Bearer auth) to check the client's
 * behaviour against faults a real registry cannot be made to produce on demand.
 */
export class FakeRegistry {
  readonly blobs = new Map<string, Map<string, Buffer>>()
  readonly manifests = new Map<string, Map<string, { bytes: Buffer; type: string }>>()
  readonly seen: SeenRequest[] = []
  faults: Fault[] = []
  /** Largest manifest accepted (bytes). */
  manifestLimit = 4 * 1024 * 1024
  /** `basic` or `bearer` to require credentials user:secret. */
  auth: 'none' | 'basic' | 'bearer' = 'none'
  /** Bumped to make every bearer token issued so far invalid (tokens expiring mid-push). */
  tokenGeneration = 1
  /** Store blobs under this digest instead of the one sent (a broken registry). */
  corruptDigest = false
  private readonly uploads = new Map<string, Buffer[]>()
  private server: Server | undefined
  private uploadCounter = 0
  port = 0

  get registry(): string {
    return `127.0.0.1:${this.port}`
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()))
  }

  requests(method: string, pathPart = ''): SeenRequest[] {
    return this.seen.filter((s) => s.method === method && s.path.includes(pathPart))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${this.registry}`)
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      bytes: 0
    }
    this.seen.push(seen)
    for (const fault of this.faults) if (fault(req, res, seen)) return
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    seen.bytes = body.byteLength
    if (url.pathname === '/token') return this.token(req, res, url)
    if (!this.authorised(req)) return this.challenge(res, url)
    this.route(req.method ?? 'GET', url, body, req, res)
  }

  private token(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.headers.authorization !== `Basic ${Buffer.from('user:secret').toString('base64')}`) {
      res.writeHead(401).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    const scopes = url.searchParams.getAll('scope').join('+')
    res.end(JSON.stringify({ token: `token-${this.tokenGeneration}-for-${scopes}` }))
  }

  private authorised(req: IncomingMessage): boolean {
    if (this.auth === 'none') return true
    const header = req.headers.authorization ?? ''
    if (this.auth === 'basic') return header === `Basic ${Buffer.from('user:secret').toString('base64')}`
    return header.startsWith(`Bearer token-${this.tokenGeneration}-for-`)
  }

  private challenge(res: ServerResponse, url: URL): void {
    const repo = /^\/v2\/(.+?)\/(blobs|manifests)\//.exec(url.pathname)?.[1]
    const header =
      this.auth === 'basic'
        ? 'Basic realm="fake"'
        : `Bearer realm="http://${this.registry}/token",service="fake"${repo ? `,scope="repository:${repo}:pull,push"` : ''}`
    res.writeHead(401, { 'www-authenticate': header, 'content-type': 'application/json' })
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }))
  }

  private route(method: string, url: URL, body: Buffer, req: IncomingMessage, res: ServerResponse): void {
    const path = url.pathname
    if (path === '/v2/') return void res.writeHead(200).end('{}')
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(path)
    if (blob && (method === 'HEAD' || method === 'GET')) {
      const bytes = this.blobs.get(blob[1] ?? '')?.get(blob[2] ?? '')
      if (!bytes) return void res.writeHead(404).end()
      res.writeHead(200, { 'docker-content-digest': blob[2], 'content-length': bytes.byteLength })
      return void res.end(method === 'GET' ? bytes : undefined)
    }
    const start = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(path)
    if (start && method === 'POST') {
      const repo = start[1] ?? ''
      const mount = url.searchParams.get('mount')
      const from = url.searchParams.get('from')
      const mounted = mount && from ? this.blobs.get(from)?.get(mount) : undefined
      if (mount && mounted) {
        this.repoBlobs(repo).set(mount, mounted)
        return void res.writeHead(201, { location: `/v2/${repo}/blobs/${mount}` }).end()
      }
      const id = `u${++this.uploadCounter}`
      this.uploads.set(id, [])
      return void res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${id}?state=x` }).end()
    }
    const session = /^\/v2\/(.+)\/blobs\/uploads\/([a-z0-9]+)$/.exec(path)
    if (session) {
      const [repo, id] = [session[1] ?? '', session[2] ?? '']
      const parts = this.uploads.get(id)
      if (!parts) return this.error(res, 404, 'BLOB_UPLOAD_UNKNOWN')
      if (method === 'DELETE') {
        this.uploads.delete(id)
        return void res.writeHead(204).end()
      }
      parts.push(body)
      if (method === 'PATCH') {
        return void res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${id}?state=y` }).end()
      }
      if (method === 'PUT') {
        const bytes = Buffer.concat(parts)
        const claimed = url.searchParams.get('digest') ?? ''
        this.uploads.delete(id)
        if (digestOf(bytes) !== claimed) return this.error(res, 400, 'DIGEST_INVALID')
        const stored = this.corruptDigest ? digestOf(Buffer.concat([bytes, Buffer.from('x')])) : claimed
        this.repoBlobs(repo).set(stored, bytes)
        return void res
          .writeHead(201, { 'docker-content-digest': stored, location: `/v2/${repo}/blobs/${stored}` })
          .end()
      }
    }
    const manifest = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(path)
    if (manifest) {
      const [repo, ref] = [manifest[1] ?? '', manifest[2] ?? '']
      const store = this.manifests.get(repo) ?? new Map<string, { bytes: Buffer; type: string }>()
      this.manifests.set(repo, store)
      if (method === 'PUT') {
        if (body.byteLength > this.manifestLimit) return this.error(res, 413, 'SIZE_INVALID')
        const entry = { bytes: body, type: String(req.headers['content-type']) }
        store.set(ref, entry)
        store.set(digestOf(body), entry)
        return void res.writeHead(201, { 'docker-content-digest': digestOf(body) }).end()
      }
      const entry = store.get(ref)
      if (!entry) return this.error(res, 404, 'MANIFEST_UNKNOWN')
      res.writeHead(200, { 'content-type': entry.type, 'docker-content-digest': digestOf(entry.bytes) })
      return void res.end(method === 'GET' ? entry.bytes : undefined)
    }
    this.error(res, 404, 'NAME_UNKNOWN')
  }

  private repoBlobs(repo: string): Map<string, Buffer> {
    const store = this.blobs.get(repo) ?? new Map<string, Buffer>()
    this.blobs.set(repo, store)
    return store
  }

  private error(res: ServerResponse, status: number, code: string): void {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] }))
  }
}
