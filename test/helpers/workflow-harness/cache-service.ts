/**
 * A stand-in for GitHub's cache service (v2, the Twirp API @actions/cache speaks when
 * ACTIONS_CACHE_SERVICE_V2 is set), so the actions' cache calls really save and restore during a
 * scenario: GetCacheEntryDownloadURL, CreateCacheEntry and FinalizeCacheEntryUpload, plus the
 * signed URLs the toolkit uploads to (an Azure block-blob PUT) and downloads from (a GET).
 * Entries are immutable per key and version, as on GitHub; restore keys match by prefix, newest first.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'

interface Entry {
  key: string
  version: string
  bytes?: Buffer
  createdAt: number
}

const service = '/twirp/github.actions.results.api.v1.CacheService/'

export class LocalCacheService {
  private readonly entries = new Map<string, Entry>()
  private counter = 0
  /** Every key restored with a hit and every key saved, in order (for assertions and accounts). */
  readonly log: string[] = []

  private readonly server: Server
  private url = ''

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const answer = this.handle(req, Buffer.concat(chunks))
        res.writeHead(answer.status, {
          'content-type': answer.type ?? 'application/json',
          ...(answer.body !== undefined ? { 'content-length': Buffer.byteLength(answer.body) } : {})
        })
        res.end(answer.body)
      })
    })
  }

  static async start(): Promise<LocalCacheService> {
    const cache = new LocalCacheService()
    await new Promise<void>((resolve) => cache.server.listen(0, '127.0.0.1', resolve))
    cache.url = `http://127.0.0.1:${(cache.server.address() as AddressInfo).port}/`
    return cache
  }

  /** What a job's steps need in their environment to use this service. */
  env(): Record<string, string> {
    return {
      ACTIONS_RESULTS_URL: this.url,
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RUNTIME_TOKEN: 'harness'
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private handle(
    req: IncomingMessage,
    body: Buffer
  ): { status: number; body?: Buffer | string; type?: string } {
    const url = new URL(req.url ?? '/', this.url)
    if (req.method === 'POST' && url.pathname.startsWith(service)) {
      const request = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>
      return { status: 200, body: JSON.stringify(this.call(url.pathname.slice(service.length), request)) }
    }
    const id = /^\/harness\/cache\/(\d+)$/.exec(url.pathname)?.[1]
    const entry = [...this.entries.values()].find((e) => String(this.idOf(e)) === id)
    if (!entry) return { status: 404, body: '' }
    if (req.method === 'PUT') {
      entry.bytes = body
      return { status: 201, body: '' }
    }
    if (req.method === 'GET' && entry.bytes)
      return { status: 200, body: entry.bytes, type: 'application/octet-stream' }
    return { status: 404, body: '' }
  }

  private readonly ids = new WeakMap<Entry, number>()
  private idOf(entry: Entry): number {
    let id = this.ids.get(entry)
    if (id === undefined) this.ids.set(entry, (id = ++this.counter))
    return id
  }

  private call(method: string, request: Record<string, unknown>): Record<string, unknown> {
    const key = String(request.key ?? '')
    const version = String(request.version ?? '')
    const name = `${key}\u0000${version}`
    switch (method) {
      case 'GetCacheEntryDownloadURL': {
        const restoreKeys = (request.restore_keys ?? request.restoreKeys ?? []) as string[]
        const ready = [...this.entries.values()].filter((e) => e.version === version && e.bytes)
        const exact = ready.find((e) => e.key === key)
        const prefix = exact
          ? undefined
          : restoreKeys
              .map(
                (k) => ready.filter((e) => e.key.startsWith(k)).sort((a, b) => b.createdAt - a.createdAt)[0]
              )
              .find((e) => e !== undefined)
        const hit = exact ?? prefix
        if (!hit) return { ok: false }
        this.log.push(`restore ${hit.key}`)
        return {
          ok: true,
          signed_download_url: `${this.url}harness/cache/${this.idOf(hit)}?sig=x`,
          matched_key: hit.key
        }
      }
      case 'CreateCacheEntry': {
        if (this.entries.has(name)) return { ok: false }
        const entry: Entry = { key, version, createdAt: this.counter + 1 }
        this.entries.set(name, entry)
        return { ok: true, signed_upload_url: `${this.url}harness/cache/${this.idOf(entry)}?sig=x` }
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = this.entries.get(name)
        if (!entry?.bytes) return { ok: false }
        this.log.push(`save ${key}`)
        return { ok: true, entry_id: String(this.idOf(entry)) }
      }
      default:
        return { ok: false }
    }
  }
}
