import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { runActionBundle } from '../../helpers/action-runner.js'
import { TestRepo } from '../../helpers/git-repo.js'
import { LocalRegistry } from './local-registry.js'

let registry: LocalRegistry

beforeAll(async () => {
  registry = await new LocalRegistry().start()
})
afterAll(async () => {
  await registry.stop()
})

describe('build-artifact with push: true', () => {
  it('pushes the service image to a real registry and gives it by digest', async () => {
    const repo = TestRepo.fromExample()
    const inputs = {
      service: 'orders',
      version: '2.0.0',
      formats: 'tgz,oci',
      push: 'true',
      registry: `${registry.registry}/shop`,
      'output-dir': 'out'
    }
    const first = await runActionBundle('build-artifact', { workspace: repo.dir, inputs })
    expect(first.errors).toEqual([])
    expect(first.exitCode).toBe(0)
    const image = first.outputs.image as string
    expect(image).toMatch(
      new RegExp(`^${registry.registry.replace(/\./g, '\\.')}/shop/orders@sha256:[0-9a-f]{64}$`)
    )
    expect(first.outputs['image-digest']).toBe(image.split('@')[1])
    expect(first.summary).toMatch(/orders: .*\/shop\/orders@sha256:.* uploaded/)

    const inspected = JSON.parse(
      execFileSync(
        'skopeo',
        ['inspect', '--tls-verify=false', `docker://${registry.registry}/shop/orders:2.0.0`],
        {
          encoding: 'utf8'
        }
      )
    ) as { Digest: string; Labels: Record<string, string> }
    expect(inspected.Digest).toBe(first.outputs['image-digest'])
    expect(inspected.Labels['org.opencontainers.image.version']).toBe('2.0.0')
  })

  it('refuses push without any registry, naming the input', async () => {
    const repo = TestRepo.fromExample()
    repo.write(
      'shipline.yml',
      repo.git('show', 'HEAD:shipline.yml').replace(/images:\n {2}registry: .*\n/, 'images:\n')
    )
    repo.commit('no registry')
    const run = await runActionBundle('build-artifact', {
      workspace: repo.dir,
      inputs: { service: 'orders', version: '2.0.0', formats: 'oci', push: 'true', cache: 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(/^build-artifact: input "push" is true but no registry is known/)
  })
})
