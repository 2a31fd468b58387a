import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ConfigError, OperationError } from '../../../src/core/errors.js'
import { loadManifest } from '../../../src/core/manifest/load-manifest.js'
import { buildBaseImage } from '../../../src/core/artifacts/oci/base-image.js'
import { readDraft } from '../../../src/core/artifacts/oci/image-config.js'
import { ImageLayout } from '../../../src/core/artifacts/oci/image-layout.js'
import { pushImage } from '../../../src/core/artifacts/registry/push-image.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { copyOfExample, editFile } from '../../helpers/manifest-fixture.js'
import { FakeRegistry } from './fake-registry.js'
import { filler, sampleLayout } from './sample-layout.js'

let repo: string
let work: string
let registry: FakeRegistry
const logger = new RecordingLogger()

beforeEach(async () => {
  repo = copyOfExample()
  work = mkdtempSync(path.join(tmpdir(), 'shipline-base-'))
  registry = await new FakeRegistry().start()
})
afterEach(async () => {
  await registry.stop()
  rmSync(repo, { recursive: true, force: true })
  rmSync(work, { recursive: true, force: true })
})

function baseFrom(from: string): ReturnType<typeof buildBaseImage> {
  editFile(repo, 'shipline.yml', (t) => t.replace('from: scratch', `from: ${from}`))
  return buildBaseImage({
    manifest: loadManifest(repo),
    name: 'node-runtime',
    cacheDir: path.join(work, 'cache'),
    sourceDateEpoch: 0,
    logger
  })
}

describe('custom base images', () => {
  it('starts from an image pulled from a registry and records its digest', async () => {
    const upstream = await sampleLayout(path.join(work, 'upstream'), [filler('os', 2048)], 'v1')
    await pushImage({ layoutDir: upstream.layout.dir, reference: `${registry.registry}/lib/os:v1`, logger })
    const base = await baseFrom(`${registry.registry}/lib/os:v1`)
    expect(base.fromDigest).toBe(upstream.manifest.digest)
    const draft = await readDraft(await ImageLayout.open(base.layoutDir), 'base')
    expect(draft.layers.map((l) => l.digest)).toEqual([upstream.layers[0]?.digest, expect.any(String)])
    expect(draft.config.rootfs.diff_ids).toHaveLength(2)
    expect(draft.config.config.Env).toEqual([])
  })

  it('starts from an OCI layout folder named oci:<path>:<tag>', async () => {
    const upstream = await sampleLayout(path.join(repo, 'vendor/os'), [filler('os', 100)], 'stable')
    const base = await baseFrom('oci:vendor/os:stable')
    expect(base.fromDigest).toBe(upstream.manifest.digest)
    const layout = await ImageLayout.open(base.layoutDir)
    expect(await layout.readBlob(upstream.layers[0]?.digest ?? '')).toEqual(filler('os', 100))
  })

  it('says an upstream image the registry does not have was not found', async () => {
    const error = await baseFrom(`${registry.registry}/lib/missing:v1`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperationError)
    expect((error as Error).message).toContain("base image 'node-runtime'")
    expect((error as Error).message).toContain('was not found')
  })

  it('points a malformed upstream reference at images.bases.<name>.from', async () => {
    const error = await baseFrom('Ghcr.io/UPPER/case:1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).location).toMatchObject({
      file: 'shipline.yml',
      keyPath: 'images.bases.node-runtime.from'
    })
  })

  it('refuses an oci: base that is not a layout', async () => {
    const error = await baseFrom('oci:nowhere').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toContain('is not an OCI image layout')
  })
})
