import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { appendFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { resolveVersion, type VersionContext } from '../../../src/core/deploy/resolve-version.js'
import { ConfigError, OperationError } from '../../../src/core/errors.js'
import { findService, loadManifest } from '../../../src/core/manifest/load-manifest.js'
import { createDeployFixture, type DeployFixture } from '../../helpers/deploy-fixture.js'

let fixture: DeployFixture
let context: VersionContext

beforeAll(() => {
  fixture = createDeployFixture({ services: ['catalog', 'orders'] })
  fixture.build('catalog', 'b1', { epoch: 100 })
  fixture.build('catalog', 'b3', { epoch: 300 })
  fixture.build('catalog', 'b2', { epoch: 200 })
  fixture.build('orders', 'o7')
  const manifest = loadManifest(fixture.repo)
  context = {
    service: findService(manifest, 'catalog'),
    repo: fixture.repo,
    artifactsDir: fixture.artifacts,
    needsArchive: true
  }
})
afterAll(() => fixture.cleanup())

async function failure(version: string): Promise<unknown> {
  return resolveVersion(context, version).then(
    () => undefined,
    (e: unknown) => e
  )
}

describe('version -> artifact', () => {
  it('resolves a build version to its verified archive and the install folder inside it', async () => {
    const artifact = await resolveVersion(context, 'b2')
    expect(artifact.version).toBe('b2')
    expect(artifact.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(artifact.source).toMatchObject({ kind: 'tarball', member: './opt/catalog' })
  })

  it('latest is the newest build of this service (by build time, not by name)', async () => {
    expect((await resolveVersion(context, 'latest')).version).toBe('b3')
  })

  it('a digest names the build whose archive has it', async () => {
    const b1 = await resolveVersion(context, 'b1')
    expect((await resolveVersion(context, b1.digest)).version).toBe('b1')
  })

  it('local is the build output folder, versioned by its content', async () => {
    const first = await resolveVersion(context, 'local')
    expect(first.version).toMatch(/^local-[0-9a-f]{12}$/)
    expect(first.source).toEqual({ kind: 'folder', path: path.join(fixture.repo, 'services/catalog/dist') })
    appendFileSync(path.join(fixture.repo, 'services/catalog/dist/VERSION'), 'changed\n')
    expect((await resolveVersion(context, 'local')).version).not.toBe(first.version)
  })

  it("refuses another service's artifact, by version and by digest", async () => {
    const byVersion = await failure('o7')
    expect(byVersion).toBeInstanceOf(ConfigError)
    expect((byVersion as ConfigError).message).toBe(
      'version "o7" is an artifact of service "orders", not "catalog"'
    )
    const orders = await resolveVersion(
      { ...context, service: findService(loadManifest(fixture.repo), 'orders') },
      'o7'
    )
    expect(((await failure(orders.digest)) as ConfigError).message).toContain(
      'is an artifact of service "orders"'
    )
  })

  it('refuses an unknown version with the known ones, and text that is not a version', async () => {
    const unknown = (await failure('b9')) as ConfigError
    expect(unknown.message).toBe(`no build of catalog with version "b9" in ${fixture.artifacts}`)
    expect(unknown.hint).toBe('use one of: b1, b2, b3, latest or local')
    for (const hostile of ['../b1', '$(id)', 'b1;rm', '-rf', 'a'.repeat(200)]) {
      expect(((await failure(hostile)) as ConfigError).message).toMatch(/is not a version/)
    }
  })

  it('refuses an archive that no longer matches its build record', async () => {
    fixture.build('catalog', 'b4', { epoch: 400 })
    const record = path.join(fixture.artifacts, 'catalog', 'b4', 'catalog_b4.tar.gz')
    writeFileSync(record, 'tampered')
    const error = await failure('b4')
    expect(error).toBeInstanceOf(OperationError)
    expect((error as Error).message).toContain('does not match its build record')
  })
})
