import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { OperationError } from '../../errors.js'
import type { Logger } from '../../../platform/logger.js'
import { sha256Digest } from '../../canonical-json.js'
import { MEDIA_TYPES } from '../oci/image-model.js'
import type { RegistryCredentials } from './registry-auth.js'
import { RegistryHttp, registryErrorText } from './registry-http.js'
import { registryUrl } from './image-reference.js'
import type { RetryPolicy } from './retry-policy.js'

/** How to reach a registry: shared by push, pull and the service-image push. */
export interface RegistryConnectionOptions {
  credentials?: RegistryCredentials
  /** Plain HTTP instead of HTTPS (default: only for loopback registries). */
  plainHttp?: boolean
  retry?: RetryPolicy
  /** Blobs larger than this go up in PATCH chunks of this size; smaller ones in one PUT. */
  chunkSize?: number
  logger: Logger
  signal?: AbortSignal
}

export interface RegistryClientOptions extends RegistryConnectionOptions {
  registry: string
}

/** The registry dropped or refused an upload session; a new session may succeed. */
class UploadSessionLost extends OperationError {}

/** Registries must accept manifests up to 4 MiB (distribution-spec); bigger ones may be refused. */
const MANIFEST_SIZE_FLOOR = 4 * 1024 * 1024

export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024

const MANIFEST_ACCEPT = [
  MEDIA_TYPES.manifest,
  MEDIA_TYPES.index,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerManifestList
].join(', ')

export interface FetchedManifest {
  bytes: Buffer
  mediaType: string
  digest: string
}

function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`
}
function pullScope(repository: string): string {
  return `repository:${repository}:pull`
}
function short(digest: string): string {
  return digest.slice(0, 19)
}

/** Adds `digest=` to an upload location that may already carry a query string. */
function withDigest(location: URL, digest: string): URL {
  const url = new URL(location)
  url.searchParams.set('digest', digest)
  return url
}

/**
 * The OCI distribution API calls shipline makes: blob existence, cross-repository mount, monolithic
 * and chunked uploads with digest checks, manifest get/head/put, blob download.
 */
export class RegistryClient {
  readonly registry: string
  private readonly http: RegistryHttp
  private readonly chunkSize: number
  private readonly logger: Logger

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE
    this.logger = options.logger
    this.http = new RegistryHttp({ ...options, baseUrl: registryUrl(options.registry, options.plainHttp) })
  }

  /** `GET /v2/`: checks the registry speaks the API and learns its auth scheme early. */
  async ping(repository: string): Promise<void> {
    const response = await this.http.send({
      method: 'GET',
      url: '/v2/',
      scopes: [pushScope(repository)],
      what: 'API version check'
    })
    await response.body?.cancel()
    if (!response.ok) {
      throw new OperationError(
        `${this.registry} does not answer as an OCI registry (GET /v2/ gave ${response.status})`
      )
    }
  }

  async hasBlob(repository: string, digest: string, scopes = [pushScope(repository)]): Promise<boolean> {
    const response = await this.http.send({
      method: 'HEAD',
      url: `/v2/${repository}/blobs/${digest}`,
      scopes,
      what: `check of blob ${short(digest)} in ${repository}`
    })
    await response.body?.cancel()
    if (response.status === 200) return true
    if (response.status === 404) return false
    throw new OperationError(
      `${this.registry}: check of blob ${short(digest)} in ${repository} gave HTTP ${response.status}`
    )
  }

  /**
   * Asks the registry to link a blob from another repository it holds. True when mounted; false when
   * the registry opened an ordinary upload instead (that session is cancelled, the caller uploads).
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const url = `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`
    const response = await this.http.send({
      method: 'POST',
      url,
      scopes: [pushScope(repository), pullScope(from)],
      what: `mount of blob ${short(digest)} from ${from}`
    })
    await response.body?.cancel()
    if (response.status === 201) return true
    if (response.status === 202) await this.cancelUpload(response, repository)
    return false
  }

  /**
   * Uploads a blob file, reading it once in chunks and hashing as it goes. A blob whose bytes do not
   * hash to `digest` is never committed: the upload is cancelled and an error raised.
   * Returns the bytes sent.
   */
  async uploadBlobFile(repository: string, digest: string, size: number, file: string): Promise<number> {
    const handle = await open(file, 'r')
    try {
      const read = async (offset: number, length: number): Promise<Buffer> => {
        // Filled completely by the read below (checked), so no need to zero it first.
        const buffer = Buffer.allocUnsafe(length)
        const { bytesRead } = await handle.read(buffer, 0, length, offset)
        if (bytesRead !== length)
          throw new OperationError(`blob ${short(digest)} is shorter than its size ${size}`)
        return buffer
      }
      return await this.uploadBlob(repository, digest, size, read)
    } finally {
      await handle.close()
    }
  }

  async uploadBlobBytes(repository: string, bytes: Uint8Array): Promise<number> {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return this.uploadBlob(repository, sha256Digest(bytes), bytes.byteLength, async (offset, length) =>
      buffer.subarray(offset, offset + length)
    )
  }

  /**
   * One upload, restarted once in a new session when the registry lost or rejected the session
   * (a connection dropped half way leaves it with a partial body, so resending into the same
   * session gives 416, 404 or DIGEST_INVALID).
   */
  private async uploadBlob(
    repository: string,
    digest: string,
    size: number,
    read: (offset: number, length: number) => Promise<Buffer>
  ): Promise<number> {
    try {
      return await this.uploadSession(repository, digest, size, read)
    } catch (error) {
      if (!(error instanceof UploadSessionLost)) throw error
      this.logger.warning(`${error.message}; starting the upload again`)
      return this.uploadSession(repository, digest, size, read)
    }
  }

  private async uploadSession(
    repository: string,
    digest: string,
    size: number,
    read: (offset: number, length: number) => Promise<Buffer>
  ): Promise<number> {
    const what = `upload of blob ${short(digest)} to ${repository}`
    const scopes = [pushScope(repository)]
    const start = await this.http.send({
      method: 'POST',
      url: `/v2/${repository}/blobs/uploads/`,
      scopes,
      what
    })
    if (start.status !== 202) throw await this.failure(start, what)
    await start.body?.cancel()
    let location = this.location(start, what)
    const hash = createHash('sha256')
    let sent = 0
    let finalBody: Buffer | undefined
    if (size <= this.chunkSize) {
      finalBody = await read(0, size)
      hash.update(finalBody)
    } else {
      for (let offset = 0; offset < size; offset += this.chunkSize) {
        const chunk = await read(offset, Math.min(this.chunkSize, size - offset))
        hash.update(chunk)
        const patch = await this.http.send({
          method: 'PATCH',
          url: location,
          scopes,
          what,
          body: chunk,
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${offset}-${offset + chunk.byteLength - 1}`
          }
        })
        if (patch.status !== 202) throw await this.sessionFailure(patch, `${what} (chunk at ${offset})`)
        await patch.body?.cancel()
        location = this.location(patch, what)
        sent += chunk.byteLength
      }
    }
    const actual = `sha256:${hash.digest('hex')}`
    if (actual !== digest) {
      await this.cancelLocation(location, scopes)
      throw new OperationError(
        `blob ${short(digest)} read from the image layout hashes to ${short(actual)}; the layout is damaged, rebuild the image (nothing was pushed for it)`
      )
    }
    const done = await this.http.send({
      method: 'PUT',
      url: withDigest(location, digest),
      scopes,
      what,
      body: finalBody ?? Buffer.alloc(0),
      headers: { 'content-type': 'application/octet-stream' }
    })
    if (done.status !== 201) throw await this.sessionFailure(done, what)
    await done.body?.cancel()
    const stored = done.headers.get('docker-content-digest')
    if (stored && stored !== digest) {
      throw new OperationError(
        `${this.registry} stored blob ${short(digest)} under a different digest ${short(stored)}`
      )
    }
    return sent + (finalBody?.byteLength ?? 0)
  }

  /** The manifest digest the registry holds for a tag or digest, or undefined when absent. */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const response = await this.http.send({
      method: 'HEAD',
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [pushScope(repository)],
      what: `check of manifest ${repository}:${reference}`
    })
    await response.body?.cancel()
    // Some registries (Artifactory) answer 403 for a manifest that does not exist.
    if (response.status === 404 || response.status === 403) return undefined
    if (response.status !== 200) {
      throw new OperationError(
        `${this.registry}: check of manifest ${repository}:${reference} gave HTTP ${response.status}`
      )
    }
    return response.headers.get('docker-content-digest') ?? undefined
  }

  /** PUTs manifest bytes exactly as given under a tag or digest; checks the digest the registry reports. */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    const digest = sha256Digest(bytes)
    const what = `manifest upload to ${repository}:${reference}`
    const response = await this.http.send({
      method: 'PUT',
      url: `/v2/${repository}/manifests/${reference}`,
      scopes: [pushScope(repository)],
      what,
      body: bytes,
      headers: { 'content-type': mediaType }
    })
    if (response.status === 413) {
      await response.body?.cancel()
      throw new OperationError(
        `${this.registry} refused the manifest for ${repository}:${reference}: ${bytes.byteLength} bytes is over its size limit (HTTP 413); the image was not pushed`
      )
    }
    if (response.status !== 201 && response.status !== 200) {
      const error = await this.failure(response, what)
      // distribution 2.8 answers an oversized manifest with 400 MANIFEST_INVALID, not 413.
      if (bytes.byteLength <= MANIFEST_SIZE_FLOOR) throw error
      throw new OperationError(
        `${error.message}; the manifest is ${bytes.byteLength} bytes, over the ${MANIFEST_SIZE_FLOOR} bytes every registry must accept, so this registry likely refuses it for its size; the image was not pushed`
      )
    }
    await response.body?.cancel()
    const stored = response.headers.get('docker-content-digest')
    if (stored && stored !== digest) {
      throw new OperationError(
        `${this.registry} stored the manifest under ${short(stored)}, not ${short(digest)}; the image was not pushed as built`
      )
    }
  }

  /** Fetches a manifest or index, verifying its bytes against the digest asked for or announced. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest | undefined> {
    const what = `download of manifest ${repository}:${reference}`
    const response = await this.http.send({
      method: 'GET',
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [pullScope(repository)],
      what
    })
    if (response.status === 404) {
      await response.body?.cancel()
      return undefined
    }
    if (response.status !== 200) throw await this.failure(response, what)
    const bytes = Buffer.from(await response.arrayBuffer())
    const digest = sha256Digest(bytes)
    const expected = reference.startsWith('sha256:')
      ? reference
      : response.headers.get('docker-content-digest')
    if (expected && expected !== digest) {
      throw new OperationError(
        `${this.registry}: manifest ${repository}:${reference} does not match its digest ${short(expected)}`
      )
    }
    const mediaType =
      (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ??
      response.headers.get('content-type') ??
      MEDIA_TYPES.manifest
    return { bytes, mediaType, digest }
  }

  /** Downloads a blob and hands its verified bytes to `write` (blobs of a base are read whole). */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const what = `download of blob ${short(digest)} from ${repository}`
    const response = await this.http.download({
      url: `/v2/${repository}/blobs/${digest}`,
      scopes: [pullScope(repository)],
      what
    })
    if (response.status !== 200) throw await this.failure(response, what)
    const bytes = Buffer.from(await response.arrayBuffer())
    if (sha256Digest(bytes) !== digest) {
      throw new OperationError(
        `${this.registry}: blob ${short(digest)} from ${repository} does not match its digest`
      )
    }
    return bytes
  }

  private location(response: Response, what: string): URL {
    const location = response.headers.get('location')
    if (!location) throw new OperationError(`${this.registry}: ${what}: the registry gave no upload location`)
    return this.http.resolve(location)
  }

  private async cancelUpload(response: Response, repository: string): Promise<void> {
    const location = response.headers.get('location')
    if (location) await this.cancelLocation(this.http.resolve(location), [pushScope(repository)])
  }

  /** Best effort: an abandoned upload session expires on its own anyway. */
  private async cancelLocation(location: URL, scopes: string[]): Promise<void> {
    try {
      const response = await this.http.send({
        method: 'DELETE',
        url: location,
        scopes,
        what: 'upload cancel'
      })
      await response.body?.cancel()
    } catch {
      // Ignored on purpose: the error being reported is the one that matters.
    }
  }

  /** A failed step of an upload session; the session-level ones are worth one fresh session. */
  private async sessionFailure(response: Response, what: string): Promise<OperationError> {
    const error = await this.failure(response, what)
    const lost =
      response.status === 404 ||
      response.status === 416 ||
      /DIGEST_INVALID|BLOB_UPLOAD_INVALID|BLOB_UPLOAD_UNKNOWN/.test(error.message)
    return lost ? new UploadSessionLost(error.message) : error
  }

  private async failure(response: Response, what: string): Promise<OperationError> {
    const detail = await registryErrorText(response)
    return new OperationError(
      `${this.registry}: ${what} failed: HTTP ${response.status}${detail ? ` ${detail}` : ''}`
    )
  }
}
