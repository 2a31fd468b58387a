import { describe, expect, test } from '@jest/globals'
import { OwnershipIndex, type OwnerNode } from '../../../src/core/changes/ownership-index.js'
import { propagateToDependents } from '../../../src/core/changes/propagate.js'

const service = (name: string, path: string, extra: string[] = []): OwnerNode => ({
  name,
  kind: 'service',
  path,
  dependsOn: [],
  patterns: [`${path}/**`, ...extra]
})

function ownersOf(index: OwnershipIndex, path: string): string[] {
  const found: string[] = []
  index.owners(path, (node, how) => found.push(`${index.node(node).name}:${how}`))
  return found
}

describe('ownership index', () => {
  const index = new OwnershipIndex([
    service('api', 'services/api'),
    service('worker', 'services/api/worker'),
    service('gateway', 'services/api-gateway', ['proto/gateway/**', '**/*.gateway.json', 'docs/gateway.md']),
    service('web', 'apps/web', ['!apps/web/**/*.md', 'apps/web/README.md']),
    { name: 'lib', kind: 'shared', path: 'libs/lib', dependsOn: [] }
  ])

  test('the innermost root owns a file', () => {
    expect(ownersOf(index, 'services/api/worker/job.ts')).toEqual(['worker:root'])
    expect(ownersOf(index, 'services/api/server.ts')).toEqual(['api:root'])
  })

  test('only whole segments match', () => {
    expect(ownersOf(index, 'services/api-gateway/main.go')).toEqual(['gateway:root'])
    expect(ownersOf(index, 'services/apix/main.go')).toEqual([])
    expect(ownersOf(index, 'services/api')).toEqual([])
  })

  test('extra globs add owners next to the root owner', () => {
    expect(ownersOf(index, 'proto/gateway/v1/a.proto')).toEqual(['gateway:glob'])
    expect(ownersOf(index, 'services/api/routes.gateway.json')).toEqual(['api:root', 'gateway:glob'])
    expect(ownersOf(index, 'docs/gateway.md')).toEqual(['gateway:glob'])
    expect(ownersOf(index, 'docs/other.md')).toEqual([])
  })

  test('ordered lists: an exclusion removes files and a later pattern brings one back', () => {
    expect(ownersOf(index, 'apps/web/src/app.ts')).toEqual(['web:root'])
    expect(ownersOf(index, 'apps/web/docs/guide.md')).toEqual([])
    expect(ownersOf(index, 'apps/web/README.md')).toEqual(['web:root'])
  })

  test('shared folders own their files; dotfiles are matched', () => {
    expect(ownersOf(index, 'libs/lib/.eslintrc')).toEqual(['lib:root'])
    expect(ownersOf(index, 'services/api/.env.example')).toEqual(['api:root'])
  })
})

describe('reverse dependency propagation', () => {
  const graph = new Map<string, string[]>([
    ['common', []],
    ['proto', ['common']],
    ['catalog', ['proto']],
    ['web', ['catalog', 'common']],
    ['orders', ['common']],
    ['a', ['b']],
    ['b', ['a']]
  ])

  test('reaches every dependent transitively, with the shortest chain from the changed node', () => {
    const reached = propagateToDependents(graph, ['common'])
    expect(Object.fromEntries(reached)).toEqual({
      proto: ['common', 'proto'],
      catalog: ['common', 'proto', 'catalog'],
      web: ['common', 'web'],
      orders: ['common', 'orders']
    })
  })

  test('changed nodes are not reported again as dependents, and cycles end', () => {
    expect([...propagateToDependents(graph, ['catalog', 'web']).keys()]).toEqual([])
    expect(Object.fromEntries(propagateToDependents(graph, ['a']))).toEqual({ b: ['a', 'b'] })
  })
})
