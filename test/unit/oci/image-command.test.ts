import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { copyOfExample, editFile } from '../../helpers/manifest-fixture.js'
import { FakeRegistry } from './fake-registry.js'

let repo: string
let work: string
let registry: FakeRegistry

beforeEach(async () => {
  repo = copyOfExample()
  work = mkdtempSync(path.join(tmpdir(), 'shipline-image-cli-'))
  registry = await new FakeRegistry().start()
  // A small build output, as the service's build would leave it.
  mkdirSync(path.join(repo, 'services/catalog/dist/src'), { recursive: true })
  writeFileSync(path.join(repo, 'services/catalog/dist/src/server.mjs'), 'console.log("catalog")\n')
})
afterEach(async () => {
  await registry.stop()
  rmSync(repo, { recursive: true, force: true })
  rmSync(work, { recursive: true, force: true })
})

async function shipline(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(
    [
      'image',
      `--repo=${repo}`,
      `out=${path.join(work, 'images')}`,
      `cache=${path.join(work, 'cache')}`,
      'commit=0123456789abcdef0123456789abcdef01234567',
      'source-date-epoch=1700000000',
      ...args
    ],
    {
      stdout: { write: (s: string) => ((stdout += s), true) },
      stderr: { write: (s: string) => ((stderr += s), true) },
      env: {},
      cwd: repo
    }
  )
  return { code, stdout, stderr }
}

describe('shipline image', () => {
  it('writes the image layout and pushes it, printing the image by digest', async () => {
    const built = await shipline('artifact=catalog', 'version=1.2.3', '--json')
    expect(built.code).toBe(0)
    const image = JSON.parse(built.stdout) as { digest: string; layoutDir: string; references: string[] }
    expect(image.layoutDir).toBe(path.join(work, 'images', 'catalog'))
    expect(image.references).toEqual(['ghcr.io/example-shop/catalog:1.2.3'])

    const pushed = await shipline(
      'artifact=catalog',
      'version=1.2.3',
      'push=true',
      `registry=${registry.registry}/shop`
    )
    expect(pushed.code).toBe(0)
    expect(pushed.stdout).toContain(`catalog: ${registry.registry}/shop/catalog@${image.digest}`)
    expect(pushed.stdout).toContain(`tags ${registry.registry}/shop/catalog:1.2.3`)
    expect(registry.manifests.get('shop/catalog')?.has('1.2.3')).toBe(true)
    expect(registry.manifests.get('shop/base-node-runtime')?.size).toBe(2)
  })

  it('refuses a malformed registry with a hint and usage exit code', async () => {
    const result = await shipline('artifact=catalog', 'version=1.2.3', 'registry=Registry/UPPER')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("malformed image reference 'Registry/UPPER/catalog:1.2.3'")
    expect(result.stderr).toContain('registry/owner/name')
  })

  it('refuses a version that cannot be a tag', async () => {
    const result = await shipline('artifact=catalog', 'version=1.2.3+build')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("'1.2.3+build' is not a valid tag")
  })

  it('points an unknown base at the service file', async () => {
    editFile(repo, 'services/catalog/service.yml', (t) => t.replace('base: node-runtime', 'base: jvm'))
    const result = await shipline('artifact=catalog', 'version=1.2.3')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("services/catalog/service.yml: unknown base image 'jvm' (at image.base)")
  })

  it('fails with the registry error and reports nothing pushed when the registry refuses', async () => {
    registry.auth = 'basic'
    const result = await shipline(
      'artifact=catalog',
      'version=1.2.3',
      'push=true',
      `registry=${registry.registry}/shop`
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('401 unauthorized')
    expect(result.stdout).not.toContain('@sha256:')
  })

  it('says the build output is missing', async () => {
    rmSync(path.join(repo, 'services/catalog/dist'), { recursive: true })
    const result = await shipline('artifact=catalog', 'version=1.2.3')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('services/catalog/dist')
  })
})
