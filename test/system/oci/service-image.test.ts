import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { ImageLayout } from '../../../src/core/artifacts/oci/image-layout.js'
import { projectRoot } from '../../helpers/action-runner.js'
import { copyOfExample, editFile } from '../../helpers/manifest-fixture.js'
import { freePort, LocalRegistry } from './local-registry.js'
import { copyNodeRuntime } from './node-runtime.js'

const run = promisify(execFile)
const EPOCH = 1_700_000_000

let repo: string
let work: string
let registry: LocalRegistry

interface CliImage {
  layoutDir: string
  digest: string
  config: { digest: string; size: number }
  layer: { digest: string; size: number }
  base?: { name: string; digest: string; reused: boolean }
  references: string[]
  pushed?: { reference: string; digest: string; baseDigest?: string; bytesUploaded: number; tags: string[] }
}

/**
 * Builds the example catalog service with its own build command, then runs `shipline image` from
 * the sources in a child process, as a user would (the layer writer's pure-JS gzip runs several
 * times slower inside jest's module sandbox than in a plain node process).
 */
async function shiplineImage(version: string, push: boolean): Promise<CliImage> {
  await run('node', ['../../libs/common/build-service.mjs'], {
    cwd: path.join(repo, 'services/catalog'),
    env: { ...process.env, SHIPLINE_VERSION: version }
  })
  const { stdout } = await run(
    'node',
    [
      '--import',
      'tsx',
      path.join(projectRoot, 'src/cli/index.ts'),
      'image',
      'artifact=catalog',
      `version=${version}`,
      `--repo=${repo}`,
      `registry=${registry.registry}/shop`,
      `commit=${'b'.repeat(40)}`,
      `source-date-epoch=${EPOCH}`,
      `out=${path.join(work, 'images', version)}`,
      `cache=${path.join(work, 'cache')}`,
      ...(push ? ['push=true'] : []),
      '--json'
    ],
    { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 }
  )
  return JSON.parse(stdout) as CliImage
}

beforeAll(async () => {
  repo = copyOfExample()
  work = mkdtempSync(path.join(tmpdir(), 'shipline-image-sys-'))
  await copyNodeRuntime(path.join(repo, 'images/node-bin'))
  editFile(repo, 'shipline.yml', (text) =>
    text.replace(
      'layers: [images/node-runtime]',
      'layers: [images/node-runtime, images/node-bin]\n      env: { PATH: /usr/bin:/bin }'
    )
  )
  registry = await new LocalRegistry().start()
})

afterAll(async () => {
  await registry.stop()
  rmSync(repo, { recursive: true, force: true })
  rmSync(work, { recursive: true, force: true })
})

describe('the example service image on real tools', () => {
  let first: CliImage
  let pushedDigest: string

  it('writes a layout that umoci unpacks into the base files plus the tree the .deb installs', async () => {
    first = await shiplineImage('1.2.3', false)
    const bundle = path.join(work, 'bundle')
    await run('umoci', ['unpack', '--rootless', '--image', `${first.layoutDir}:1.2.3`, bundle])
    const rootfs = path.join(bundle, 'rootfs')
    expect(readFileSync(path.join(rootfs, 'opt/catalog/VERSION'), 'utf8')).toBe('1.2.3\n')
    expect(readFileSync(path.join(rootfs, 'opt/catalog/src/server.mjs'), 'utf8')).toContain("name: 'catalog'")
    expect(readFileSync(path.join(rootfs, 'etc/shop/runtime.txt'), 'utf8')).toBe(
      readFileSync(path.join(repo, 'images/node-runtime/etc/shop/runtime.txt'), 'utf8')
    )
    const config = JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8')) as {
      process: { args: string[]; cwd: string; env: string[] }
    }
    expect(config.process.args).toEqual(['node', 'src/server.mjs'])
    expect(config.process.cwd).toBe('/opt/catalog')
    expect(config.process.env).toContain('PORT=8081')
  })

  it('pushes the same image again built; skopeo sees its digest and labels and copies it', async () => {
    const again = await shiplineImage('1.2.3', true)
    expect(again.base?.reused).toBe(true)
    expect(again.digest).toBe(first.digest)
    const pushed = again.pushed
    if (!pushed) throw new Error('shipline image push=true printed no push result')
    pushedDigest = pushed.digest
    expect(pushed.tags).toEqual([`${registry.registry}/shop/catalog:1.2.3`])
    expect(pushed.reference).toBe(`${registry.registry}/shop/catalog@${first.digest}`)
    expect(pushed.baseDigest).toBe(first.base?.digest)
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      `docker://${registry.registry}/shop/catalog:1.2.3`
    ])
    const inspected = JSON.parse(stdout) as { Digest: string; Labels: Record<string, string> }
    expect(inspected.Digest).toBe(first.digest)
    expect(inspected.Labels).toMatchObject({
      'org.opencontainers.image.revision': 'b'.repeat(40),
      'org.opencontainers.image.version': '1.2.3',
      'dev.shipline.service': 'catalog'
    })
    const copy = path.join(work, 'copied')
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${pushed.reference}`, `oci:${copy}:x`])
    expect((await (await ImageLayout.open(copy)).resolve('x')).digest).toBe(first.digest)
  })

  it('runs under podman (runc, no daemon) and answers its health check', async () => {
    const podmanDir = path.join(work, 'podman')
    const base = [
      '--root',
      path.join(podmanDir, 'storage'),
      '--runroot',
      path.join(podmanDir, 'run'),
      '--storage-driver',
      'vfs',
      '--runtime',
      'runc'
    ]
    const port = await freePort()
    const name = `shipline-catalog-${process.pid}`
    await run('podman', [
      ...base,
      'pull',
      '--tls-verify=false',
      `docker://${registry.registry}/shop/catalog@${pushedDigest}`
    ])
    await run('podman', [
      ...base,
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      '--ulimit',
      'nofile=20000:20000',
      '--ulimit',
      'nproc=32768:32768',
      '-e',
      `PORT=${port}`,
      `${registry.registry}/shop/catalog@${pushedDigest}`
    ])
    try {
      let body = ''
      for (let i = 0; i < 100 && !body; i++) {
        body = await fetch(`http://127.0.0.1:${port}/health`)
          .then((r) => (r.ok ? r.text() : ''))
          .catch(() => '')
        if (!body) await new Promise((r) => setTimeout(r, 100))
      }
      expect(JSON.parse(body)).toMatchObject({ status: 'ok', service: 'catalog', version: '1.2.3' })
    } finally {
      await run('podman', [...base, 'rm', '-f', '-t', '0', name]).catch(() => undefined)
      await run('podman', [...base, 'system', 'reset', '-f']).catch(() => undefined)
    }
  })

  it('uploads only the new service layer, its config and manifest when the base is already there', async () => {
    const second = await shiplineImage('1.2.4', true)
    expect(second.base?.reused).toBe(true)
    const manifestSize = (await (await ImageLayout.open(second.layoutDir)).resolve('1.2.4')).size
    expect(second.pushed?.bytesUploaded).toBe(second.layer.size + second.config.size + manifestSize)
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      `docker://${registry.registry}/shop/catalog:1.2.4`
    ])
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(second.digest)
  })
})
