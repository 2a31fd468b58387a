/**
 * Image push benchmark, everything measured in this one run against real `docker-registry`
 * instances on 127.0.0.1:
 *
 *   1. first push of a service image (custom base with the host's node runtime + a service layer)
 *   2. push after a one-file change in the service (new service layer; base already in the registry)
 *   3. baseline: `skopeo copy` of the second image's layout to a fresh repository (a registry of its
 *      own, so skopeo cannot reuse anything)
 *
 * Goals (issue 5): the incremental push uploads at most 1.05 x the new layer's size, and takes less
 * time than skopeo's copy of the whole image.
 *
 * Run: npm run bench:image   (BENCH_SERVICE_MB sets the service layer's size, default 8)
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { buildServiceImage, type ServiceImage } from '../src/core/artifacts/oci/service-image.js'
import { ImageLayout } from '../src/core/artifacts/oci/image-layout.js'
import { pushServiceImage } from '../src/core/artifacts/registry/push-service-image.js'
import { stageTree } from '../src/core/artifacts/stage-tree.js'
import { findService, loadManifest } from '../src/core/manifest/load-manifest.js'
import { silentLogger } from '../src/platform/logger.js'
import { LocalRegistry } from '../test/system/oci/local-registry.js'
import { copyNodeRuntime } from '../test/system/oci/node-runtime.js'
import { copyOfExample, editFile } from '../test/helpers/manifest-fixture.js'

const run = promisify(execFile)
const SERVICE_MB = Number(process.env.BENCH_SERVICE_MB ?? 8)
const FILES = 200
const EPOCH = 1_700_000_000

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

async function main(): Promise<void> {
  const repo = copyOfExample()
  const work = mkdtempSync(path.join(tmpdir(), 'shipline-bench-image-'))
  const ours = await new LocalRegistry().start()
  const theirs = await new LocalRegistry().start()
  try {
    await copyNodeRuntime(path.join(repo, 'images/node-bin'))
    editFile(repo, 'shipline.yml', (t) =>
      t.replace('layers: [images/node-runtime]', 'layers: [images/node-runtime, images/node-bin]')
    )
    const manifest = loadManifest(repo)
    const service = findService(manifest, 'catalog')
    const output = path.join(work, 'dist')
    mkdirSync(path.join(output, 'assets'), { recursive: true })
    const perFile = Math.floor((SERVICE_MB * 1024 * 1024) / FILES)
    for (let i = 0; i < FILES; i++)
      writeFileSync(path.join(output, 'assets', `asset-${i}.bin`), randomBytes(perFile))

    const build = async (version: string): Promise<ServiceImage> =>
      buildServiceImage({
        manifest,
        service,
        tree: await stageTree({ sourceDir: output, installDir: service.artifacts.installDir, mtime: EPOCH }),
        version,
        sourceDateEpoch: EPOCH,
        commit: 'c'.repeat(40),
        layoutDir: path.join(work, 'images', version),
        cacheDir: path.join(work, 'cache'),
        registry: `${ours.registry}/bench`,
        logger: silentLogger
      })

    const first = await build('1.0.0')
    let started = performance.now()
    const firstPush = await pushServiceImage({ image: first, logger: silentLogger })
    const firstMs = performance.now() - started

    writeFileSync(path.join(output, 'assets', 'asset-7.bin'), randomBytes(perFile))
    const second = await build('1.0.1')
    started = performance.now()
    const secondPush = await pushServiceImage({ image: second, logger: silentLogger })
    const secondMs = performance.now() - started

    const layout = await ImageLayout.open(second.layoutDir)
    const manifestSize = (await layout.resolve('1.0.1')).size
    const imageBytes = (await readTotal(layout, second.digest)) + manifestSize
    started = performance.now()
    await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${second.layoutDir}:1.0.1`,
      `docker://${theirs.registry}/bench/skopeo-copy:1.0.1`
    ])
    const skopeoMs = performance.now() - started

    const layerRatio = (secondPush.bytesUploaded ?? 0) / second.layer.size
    const timeRatio = secondMs / skopeoMs
    const rows = [
      ['first push (base + service)', seconds(firstMs), mib(firstPush.bytesUploaded ?? 0)],
      ['push after a one-file change', seconds(secondMs), mib(secondPush.bytesUploaded ?? 0)],
      ['skopeo copy, whole image, fresh repo', seconds(skopeoMs), mib(imageBytes)]
    ]
    console.log(`service layer ${mib(second.layer.size)} (${FILES} files), whole image ${mib(imageBytes)}`)
    for (const [what, time, bytes] of rows)
      console.log(`${(what ?? '').padEnd(40)} ${(time ?? '').padStart(9)} ${(bytes ?? '').padStart(12)}`)
    console.log(
      `incremental upload / new layer size: ${layerRatio.toFixed(4)} (goal <= 1.05) ${layerRatio <= 1.05 ? 'met' : 'NOT met'}`
    )
    console.log(
      `incremental push time / skopeo copy time: ${timeRatio.toFixed(3)} (goal < 1) ${timeRatio < 1 ? 'met' : 'NOT met'}`
    )
  } finally {
    await ours.stop()
    await theirs.stop()
    rmSync(repo, { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
  }
}

/** Bytes of the config and every layer of an image in a layout. */
async function readTotal(layout: ImageLayout, digest: string): Promise<number> {
  const manifest = await layout.readJson<{ config: { size: number }; layers: { size: number }[] }>(digest)
  return manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0)
}

await main()
