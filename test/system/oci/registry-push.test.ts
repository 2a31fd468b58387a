import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { pushImage } from '../../../src/core/artifacts/registry/push-image.js'
import { pullImage } from '../../../src/core/artifacts/registry/pull-image.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { LocalRegistry } from './local-registry.js'
import { canonicalJson } from '../../../src/core/canonical-json.js'
import type { ImageManifest } from '../../../src/core/artifacts/oci/image-model.js'
import { filler, sampleLayout } from '../../unit/oci/sample-layout.js'

const run = promisify(execFile)

let registry: LocalRegistry
let dir: string

beforeAll(async () => {
  registry = await new LocalRegistry().start()
})
afterAll(async () => {
  await registry.stop()
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipline-oci-sys-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** An image made by umoci (an independent OCI writer) with a script and a 2 MiB incompressible data file (uploaded in chunks). */
async function umociImage(): Promise<string> {
  const layout = join(dir, 'umoci')
  await writeFile(join(dir, 'hello.sh'), '#!/bin/sh\necho hello\n')
  await chmod(join(dir, 'hello.sh'), 0o755)
  await writeFile(join(dir, 'data.bin'), randomBytes(2 * 1024 * 1024))
  await run('umoci', ['init', '--layout', layout])
  await run('umoci', ['new', '--image', `${layout}:app`])
  await run('umoci', ['insert', '--image', `${layout}:app`, join(dir, 'hello.sh'), '/hello.sh'])
  await run('umoci', ['insert', '--image', `${layout}:app`, join(dir, 'data.bin'), '/data.bin'])
  await run('umoci', ['config', '--image', `${layout}:app`, '--config.cmd', '/hello.sh'])
  return layout
}

describe('pushing to a real docker-registry', () => {
  it('pushes an image that skopeo reads back with the same digest, then skips everything on a second push', async () => {
    const layout = await umociImage()
    const logger = new RecordingLogger()
    const reference = `${registry.registry}/shop/app:1.0`
    const first = await pushImage({
      layoutDir: layout,
      layoutTag: 'app',
      reference,
      chunkSize: 512 * 1024,
      logger
    })
    expect(first.blobs.uploaded).toBe(3)
    expect(first.bytesUploaded).toBeGreaterThan(0)

    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reference}`])
    const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[] }
    expect(inspected.Digest).toBe(first.digest)
    expect(inspected.Layers).toHaveLength(2)
    expect(await registry.readRepositoryLink('shop/app', '1.0')).toBe(first.digest)

    const copy = join(dir, 'copied')
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${reference}`, `oci:${copy}:app`])
    await run('umoci', ['unpack', '--rootless', '--image', `${copy}:app`, join(dir, 'bundle')])
    expect(await readFile(join(dir, 'bundle/rootfs/hello.sh'), 'utf8')).toBe('#!/bin/sh\necho hello\n')

    const again = await pushImage({ layoutDir: layout, layoutTag: 'app', reference, logger })
    expect(again.bytesUploaded).toBe(0)
    expect(again.blobs.present).toBe(3)
  })

  it('mounts blobs from another repository of the registry', async () => {
    const layout = await umociImage()
    const logger = new RecordingLogger()
    await pushImage({
      layoutDir: layout,
      layoutTag: 'app',
      reference: `${registry.registry}/shop/base:1`,
      logger
    })
    const second = await pushImage({
      layoutDir: layout,
      layoutTag: 'app',
      reference: `${registry.registry}/shop/other:1`,
      mountFrom: ['shop/base'],
      logger
    })
    expect(second.blobs).toEqual({ uploaded: 0, mounted: 3, present: 0 })
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      `docker://${registry.registry}/shop/other:1`
    ])
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(second.digest)
  })

  it('pulls what skopeo pushed into a layout umoci can unpack', async () => {
    const layout = await umociImage()
    const reference = `${registry.registry}/shop/pulled:2`
    await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}:app`, `docker://${reference}`])
    const target = join(dir, 'pulled')
    const pulled = await pullImage({
      reference,
      layoutDir: target,
      layoutTag: 'x',
      logger: new RecordingLogger()
    })
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reference}`])
    expect(pulled.digest).toBe((JSON.parse(stdout) as { Digest: string }).Digest)
    await run('umoci', ['unpack', '--rootless', '--image', `${target}:x`, join(dir, 'bundle2')])
    expect((await readFile(join(dir, 'bundle2/rootfs/data.bin'))).byteLength).toBe(2 * 1024 * 1024)
  })

  it('answers an unknown image with a not-found error', async () => {
    await expect(
      pullImage({
        reference: `${registry.registry}/shop/none:1`,
        layoutDir: join(dir, 'none'),
        layoutTag: 'x',
        logger: new RecordingLogger()
      })
    ).rejects.toThrow('was not found')
  })
})

describe('a manifest over the size limit of a real docker-registry', () => {
  it('is refused with the reason, and no tag points at it', async () => {
    const image = await sampleLayout(join(dir, 'big'), [filler('a', 100)], 'small')
    const manifest = await image.layout.readJson<ImageManifest>(image.manifest.digest)
    const big = { ...manifest, annotations: { padding: 'x'.repeat(5 * 1024 * 1024) } }
    await image.layout.tag(
      await image.layout.writeBlob(Buffer.from(canonicalJson(big)), big.mediaType),
      'big'
    )
    const reference = `${registry.registry}/shop/big:1`
    await expect(
      pushImage({ layoutDir: image.layout.dir, layoutTag: 'big', reference, logger: new RecordingLogger() })
    ).rejects.toThrow(/over the 4194304 bytes every registry must accept.*the image was not pushed/)
    const head = await fetch(`http://${registry.registry}/v2/shop/big/manifests/1`, { method: 'HEAD' })
    expect(head.status).toBe(404)
  })
})

/**
 * A TCP proxy in front of the registry that cuts the first connection carrying more than `limit`
 * bytes towards it: an upload dropped half way, as flaky networks do.
 */
async function cuttingProxy(
  target: number,
  limit: number
): Promise<{ port: number; cuts: () => number; close: () => void }> {
  let cut = 0
  const server = createNetServer((client) => {
    const upstream = connect(target, '127.0.0.1')
    let sent = 0
    client.on('data', (data: Buffer) => {
      sent += data.byteLength
      if (cut === 0 && sent > limit) {
        cut++
        client.destroy()
        upstream.destroy()
        return
      }
      upstream.write(data)
    })
    upstream.on('data', (data: Buffer) => client.write(data))
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    cuts: () => cut,
    close: () => server.close()
  }
}

describe('a connection dropped in the middle of an upload to a real docker-registry', () => {
  it('is retried (a new session when the registry kept the partial one) and the image is complete', async () => {
    const layout = await umociImage()
    const proxy = await cuttingProxy(registry.port, 1024 * 1024)
    try {
      const logger = new RecordingLogger()
      const reference = `127.0.0.1:${proxy.port}/shop/flaky:1`
      const result = await pushImage({
        layoutDir: layout,
        layoutTag: 'app',
        reference,
        retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 1000 },
        logger
      })
      expect(proxy.cuts()).toBe(1)
      expect(logger.messages('warning').join('\n')).toContain('connection failed')
      const { stdout } = await run('skopeo', [
        'inspect',
        '--tls-verify=false',
        `docker://${registry.registry}/shop/flaky:1`
      ])
      expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(result.digest)
      const copy = join(dir, 'flaky-copy')
      await run('skopeo', [
        'copy',
        '--src-tls-verify=false',
        `docker://${registry.registry}/shop/flaky:1`,
        `oci:${copy}:x`
      ])
      await run('umoci', ['unpack', '--rootless', '--image', `${copy}:x`, join(dir, 'flaky-bundle')])
      expect((await readFile(join(dir, 'flaky-bundle/rootfs/data.bin'))).byteLength).toBe(2 * 1024 * 1024)
    } finally {
      proxy.close()
    }
  })
})
