import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OperationError } from '../../../src/core/errors.js'
import { pullImage } from '../../../src/core/artifacts/registry/pull-image.js'
import { pushImage, type PushImageOptions } from '../../../src/core/artifacts/registry/push-image.js'
import { ImageLayout } from '../../../src/core/artifacts/oci/image-layout.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { FakeRegistry } from './fake-registry.js'
import { filler, sampleLayout, type SampleImage } from './sample-layout.js'

const fastRetry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 3000 }

let registry: FakeRegistry
let dir: string
let image: SampleImage
let logger: RecordingLogger

beforeEach(async () => {
  registry = await new FakeRegistry().start()
  dir = await mkdtemp(join(tmpdir(), 'shipline-push-'))
  image = await sampleLayout(join(dir, 'layout'), [filler('base', 3000), filler('app', 1000)], '1.0.0')
  logger = new RecordingLogger()
})

afterEach(async () => {
  await registry.stop()
  await rm(dir, { recursive: true, force: true })
})

function push(overrides: Partial<PushImageOptions> = {}): ReturnType<typeof pushImage> {
  return pushImage({
    layoutDir: image.layout.dir,
    reference: `${registry.registry}/shop/catalog:1.0.0`,
    retry: fastRetry,
    logger,
    ...overrides
  })
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the push to fail')
}

const blobBytes = (): number => image.layers.reduce((n, l) => n + l.size, 0) + image.config.size

describe('pushing an image layout', () => {
  it('uploads every blob, then the manifest under each tag, and names the image by digest', async () => {
    const result = await push({ tags: ['stable'] })
    expect(result.digest).toBe(image.manifest.digest)
    expect(result.reference).toBe(`${registry.registry}/shop/catalog@${image.manifest.digest}`)
    expect(result.tags).toEqual(['1.0.0', 'stable'])
    expect(result.blobs).toEqual({ uploaded: 3, mounted: 0, present: 0 })
    expect(result.bytesUploaded).toBe(blobBytes() + 2 * image.manifest.size)
    expect(registry.manifests.get('shop/catalog')?.get('stable')?.bytes).toEqual(
      await image.layout.readBlob(image.manifest.digest)
    )
  })

  it('sends nothing but checks on a second push of the same image', async () => {
    await push()
    const before = registry.seen.length
    const again = await push()
    expect(again.bytesUploaded).toBe(0)
    expect(again.blobs).toEqual({ uploaded: 0, mounted: 0, present: 3 })
    const later = registry.seen.slice(before)
    expect(later.filter((r) => r.method === 'PUT' || r.method === 'PATCH')).toEqual([])
  })

  it('uploads a blob larger than the chunk size in PATCH chunks', async () => {
    const result = await push({ chunkSize: 1024 })
    expect(result.bytesUploaded).toBe(blobBytes() + image.manifest.size)
    // 3000-byte layer: 3 chunks; 1000-byte layer and the config: one PUT each.
    expect(registry.requests('PATCH')).toHaveLength(3)
    expect(registry.blobs.get('shop/catalog')?.get(image.layers[0]?.digest ?? '')).toEqual(
      filler('base', 3000)
    )
  })

  it('mounts blobs another repository of the registry holds instead of uploading them', async () => {
    await push({ reference: `${registry.registry}/shop/base:1` })
    const result = await push({ reference: `${registry.registry}/shop/orders:1`, mountFrom: ['shop/base'] })
    expect(result.blobs).toEqual({ uploaded: 0, mounted: 3, present: 0 })
    expect(result.bytesUploaded).toBe(image.manifest.size)
  })

  it('authenticates with Basic credentials when the registry asks for them', async () => {
    registry.auth = 'basic'
    const result = await push({ credentials: { username: 'user', password: 'secret' } })
    expect(result.digest).toBe(image.manifest.digest)
    expect(logger.masked).toContain('secret')
  })

  it('fetches a bearer token with the credentials and scope the registry names', async () => {
    registry.auth = 'bearer'
    const result = await push({ credentials: { username: 'user', password: 'secret' } })
    expect(result.digest).toBe(image.manifest.digest)
    const tokenRequest = registry.requests('GET', '/token')[0]
    expect(tokenRequest?.query.getAll('scope')).toEqual(['repository:shop/catalog:pull,push'])
    expect(registry.requests('GET', '/token')).toHaveLength(1)
    expect(logger.masked).toContain('token-1-for-repository:shop/catalog:pull,push')
  })

  it('fetches a fresh token when the one it holds expires mid-push', async () => {
    registry.auth = 'bearer'
    let expired = false
    registry.faults.push((req) => {
      if (!expired && req.method === 'PUT' && req.url?.includes('/manifests/')) {
        expired = true
        registry.tokenGeneration++
      }
      return false
    })
    const result = await push({ credentials: { username: 'user', password: 'secret' } })
    expect(result.digest).toBe(image.manifest.digest)
    expect(registry.requests('GET', '/token')).toHaveLength(2)
  })

  it('says the registry refused the credentials on 401, and pushes no manifest', async () => {
    registry.auth = 'bearer'
    const error = await failure(push({ credentials: { username: 'user', password: 'wrong' } }))
    expect(error).toBeInstanceOf(OperationError)
    expect(error.message).toContain("refused user 'user'")
    registry.auth = 'basic'
    const anonymous = await failure(push())
    expect(anonymous.message).toContain('401 unauthorized')
    expect(registry.requests('PUT', '/manifests/')).toEqual([])
  })

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    let limited = false
    registry.faults.push((req, res) => {
      if (limited || req.method !== 'POST') return false
      limited = true
      res.writeHead(429, { 'retry-after': '1' }).end()
      return true
    })
    const started = Date.now()
    const result = await push()
    expect(result.digest).toBe(image.manifest.digest)
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(logger.messages('warning').join('\n')).toContain('HTTP 429')
  })

  it('refuses a Retry-After longer than the policy allows', async () => {
    registry.faults.push((req, res) => {
      res.writeHead(429, { 'retry-after': '3600' }).end()
      return true
    })
    const error = await failure(push())
    expect(error.message).toContain('asked to wait 3600 s')
  })

  it('gives up after the last attempt on repeated 500s and pushes no manifest', async () => {
    registry.faults.push((req, res) => {
      if (req.method !== 'PUT') return false
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end('{"errors":[{"code":"UNKNOWN","message":"disk on fire"}]}')
      return true
    })
    const error = await failure(push())
    expect(error).toBeInstanceOf(OperationError)
    expect(error.message).toMatch(/failed after 3 attempts: HTTP 500 UNKNOWN: disk on fire/)
    expect(registry.manifests.get('shop/catalog')?.size ?? 0).toBe(0)
  })

  it('retries an upload whose connection closed half way', async () => {
    let dropped = 0
    registry.faults.push((req) => {
      if (req.method !== 'PUT' || !req.url?.includes('/uploads/') || dropped > 0) return false
      dropped++
      req.once('data', () => req.socket.destroy())
      return true
    })
    const result = await push()
    expect(dropped).toBe(1)
    expect(result.blobs.uploaded).toBe(3)
    expect(logger.messages('warning').join('\n')).toContain('connection failed')
  })

  it('starts a new upload session when the registry lost the first one', async () => {
    let lost = 0
    registry.faults.push((req, res) => {
      if (req.method !== 'PUT' || !req.url?.includes('/uploads/') || lost > 0) return false
      lost++
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end('{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"upload unknown"}]}')
      return true
    })
    const result = await push()
    expect(result.blobs.uploaded).toBe(3)
    expect(result.bytesUploaded).toBe(blobBytes() + image.manifest.size)
    expect(logger.messages('warning').join('\n')).toContain('starting the upload again')
  })

  it('fails when the registry keeps computing another digest than the one sent', async () => {
    registry.faults.push((req, res) => {
      if (req.method !== 'PUT' || !req.url?.includes('/uploads/')) return false
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(
        '{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]}'
      )
      return true
    })
    const error = await failure(push())
    expect(error.message).toContain('HTTP 400 DIGEST_INVALID')
    expect(registry.requests('PUT', '/manifests/')).toEqual([])
  })

  it('answers 404 from a server that is not a registry with a clear error', async () => {
    registry.faults.push((req, res) => {
      res.writeHead(404).end('not here')
      return true
    })
    const error = await failure(push())
    expect(error.message).toContain('does not answer as an OCI registry (GET /v2/ gave 404)')
  })

  it('never commits a blob whose bytes in the layout no longer match their digest', async () => {
    const layer = image.layers[1]?.digest ?? ''
    await writeFile(image.layout.blobPath(layer), filler('tampered', 1000))
    const error = await failure(push())
    expect(error.message).toContain('the layout is damaged')
    expect(registry.blobs.get('shop/catalog')?.has(layer) ?? false).toBe(false)
    expect(registry.requests('PUT', '/manifests/')).toEqual([])
  })

  it('refuses a registry that stores a blob under another digest', async () => {
    registry.corruptDigest = true
    const error = await failure(push())
    expect(error.message).toContain('under a different digest')
    expect(registry.requests('PUT', '/manifests/')).toEqual([])
  })

  it('reports a manifest over the registry size limit as not pushed', async () => {
    registry.manifestLimit = 100
    const error = await failure(push())
    expect(error.message).toContain(`${image.manifest.size} bytes is over its size limit (HTTP 413)`)
    expect(error.message).toContain('was not pushed')
  })
})

describe('pulling an image', () => {
  it('writes the same manifest, config and layers into a layout', async () => {
    await push()
    const target = join(dir, 'pulled')
    const result = await pullImage({
      reference: `${registry.registry}/shop/catalog:1.0.0`,
      layoutDir: target,
      layoutTag: 'base',
      retry: fastRetry,
      logger
    })
    expect(result.digest).toBe(image.manifest.digest)
    const pulled = await ImageLayout.open(target)
    expect((await pulled.resolve('base')).digest).toBe(image.manifest.digest)
    expect(await pulled.readBlob(image.layers[0]?.digest ?? '')).toEqual(filler('base', 3000))
  })

  it('says an unknown image was not found', async () => {
    const error = await failure(
      pullImage({
        reference: `${registry.registry}/shop/nothing:1`,
        layoutDir: join(dir, 'pulled'),
        layoutTag: 'base',
        retry: fastRetry,
        logger
      })
    )
    expect(error.message).toContain('was not found')
  })
})
