import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { ConfigError } from '../../../src/core/errors.js'
import { loadManifest, findService } from '../../../src/core/manifest/load-manifest.js'
import type { Manifest } from '../../../src/core/manifest/types.js'
import { stageTree } from '../../../src/core/artifacts/stage-tree.js'
import { buildServiceImage, type ServiceImage } from '../../../src/core/artifacts/oci/service-image.js'
import { ImageLayout } from '../../../src/core/artifacts/oci/image-layout.js'
import type { ImageConfig, ImageManifest } from '../../../src/core/artifacts/oci/image-model.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { copyOfExample, editFile } from '../../helpers/manifest-fixture.js'

const EPOCH = 1_700_000_000
const COMMIT = 'a'.repeat(40)

let repo: string
let work: string
let manifest: Manifest

beforeEach(() => {
  repo = copyOfExample()
  work = mkdtempSync(path.join(tmpdir(), 'shipline-image-'))
  manifest = loadManifest(repo)
})
afterEach(() => {
  rmSync(repo, { recursive: true, force: true })
  rmSync(work, { recursive: true, force: true })
})

async function build(
  service: string,
  options: { cache?: string; out?: string; version?: string } = {}
): Promise<ServiceImage> {
  const spec = findService(manifest, service)
  const tree = await stageTree({
    sourceDir: path.join(repo, spec.path, 'src'),
    installDir: spec.artifacts.installDir,
    mtime: EPOCH
  })
  return buildServiceImage({
    manifest,
    service: spec,
    tree,
    version: options.version ?? '1.2.3',
    sourceDateEpoch: EPOCH,
    commit: COMMIT,
    layoutDir: path.join(work, options.out ?? `out-${service}`),
    cacheDir: path.join(work, options.cache ?? 'cache'),
    sourceUrl: 'https://github.com/example/shop',
    logger: new RecordingLogger()
  })
}

async function readImage(
  image: ServiceImage
): Promise<{ manifest: ImageManifest; config: ImageConfig; layout: ImageLayout }> {
  const layout = await ImageLayout.open(image.layoutDir)
  const m = await layout.readJson<ImageManifest>(image.digest)
  return { manifest: m, config: await layout.readJson<ImageConfig>(m.config.digest), layout }
}

describe('service images', () => {
  it('puts the run command, environment, port and labels in the config, with no build clock', async () => {
    const image = await build('catalog')
    const { config, manifest: m } = await readImage(image)
    const service = findService(manifest, 'catalog')
    expect(config.config.Cmd).toEqual(['node', 'src/server.mjs'])
    expect(config.config.WorkingDir).toBe(service.artifacts.installDir)
    expect(config.config.Env).toContain('PORT=8081')
    expect(config.config.ExposedPorts).toEqual({ '8081/tcp': {} })
    expect(config.config.Labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/example/shop',
      'org.opencontainers.image.revision': COMMIT,
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'dev.shipline.service': 'catalog'
    })
    expect(config.created).toBe('2023-11-14T22:13:20Z')
    expect(config.history?.every((h) => h.created === '2023-11-14T22:13:20Z')).toBe(true)
    expect(m.layers).toHaveLength(2)
    expect(m.annotations?.['org.opencontainers.image.base.digest']).toBe(image.base?.digest)
    expect(image.references).toEqual(['ghcr.io/example-shop/catalog:1.2.3'])
  })

  it('gives the same layer, config and manifest digests for the same inputs, in any folder', async () => {
    const first = await build('catalog', { cache: 'cache-a', out: 'a' })
    const second = await build('catalog', { cache: 'cache-b', out: 'b' })
    expect(second.layer.digest).toBe(first.layer.digest)
    expect(second.config.digest).toBe(first.config.digest)
    expect(second.digest).toBe(first.digest)
    expect(second.base?.reused).toBe(false)
  })

  it('describes each layer by its gzip bytes and its uncompressed tar in diff_ids', async () => {
    const image = await build('catalog')
    const { config, manifest: m, layout } = await readImage(image)
    for (const [i, layer] of m.layers.entries()) {
      const blob = await readFile(layout.blobPath(layer.digest))
      expect(blob.byteLength).toBe(layer.size)
      const tar = gunzipSync(blob)
      expect(`sha256:${createHash('sha256').update(tar).digest('hex')}`).toBe(config.rootfs.diff_ids[i])
    }
    const serviceTar = gunzipSync(await readFile(layout.blobPath(image.layer.digest))).toString('latin1')
    expect(serviceTar).toContain(
      `${findService(manifest, 'catalog').artifacts.installDir.slice(1)}/server.mjs`
    )
  })

  it('builds a shared base once and reuses it for other services and later runs', async () => {
    const catalog = await build('catalog')
    const orders = await build('orders')
    expect(catalog.base?.reused).toBe(false)
    expect(orders.base?.reused).toBe(true)
    expect(orders.base?.digest).toBe(catalog.base?.digest)
    const again = await build('catalog', { version: '1.2.4', out: 'again' })
    expect(again.base?.reused).toBe(true)
    expect(again.layer.digest).toBe(catalog.layer.digest)
    expect(again.digest).not.toBe(catalog.digest)
  })

  it('builds the same base for two services at once without the builds meeting', async () => {
    const [catalog, orders] = await Promise.all([
      build('catalog', { cache: 'shared' }),
      build('orders', { cache: 'shared' })
    ])
    expect(orders.base?.digest).toBe(catalog.base?.digest)
    const again = await build('web', { cache: 'shared' })
    expect(again.base?.reused).toBe(true)
    expect(again.base?.digest).toBe(catalog.base?.digest)
  })

  it('builds a new base when a file of its layer folder changes', async () => {
    const before = await build('catalog')
    writeFileSync(path.join(repo, 'images/node-runtime/etc/shop/runtime.txt'), 'changed\n')
    const after = await build('catalog', { out: 'after' })
    expect(after.base?.contentHash).not.toBe(before.base?.contentHash)
    expect(after.base?.reused).toBe(false)
    expect(after.layer.digest).toBe(before.layer.digest)
  })

  it('refuses an unknown base with the service file, the key and a suggestion', async () => {
    editFile(repo, 'services/catalog/service.yml', (t) =>
      t.replace('base: node-runtime', 'base: node-runtim')
    )
    manifest = loadManifest(repo)
    const error = await build('catalog').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toBe("unknown base image 'node-runtim'")
    expect((error as ConfigError).location).toMatchObject({
      file: 'services/catalog/service.yml',
      keyPath: 'image.base'
    })
    expect((error as ConfigError).hint).toBe("did you mean 'node-runtime'?")
  })

  it('says which base folder is missing', async () => {
    rmSync(path.join(repo, 'images/node-runtime'), { recursive: true })
    const error = await build('catalog').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toContain(
      "layer folder 'images/node-runtime' of base image 'node-runtime'"
    )
  })
})
