import { describe, expect, test } from '@jest/globals'
import type { ChangeSet } from '../../../src/core/changes/model.js'
import type { OwnerGraph } from '../../../src/core/changes/owner-graph.js'
import { renderSummary } from '../../../src/core/changes/summary.js'

const graph = {
  services: new Set(['catalog', 'web']),
  servicePaths: new Map([
    ['catalog', 'services/catalog'],
    ['web', 'services/web']
  ])
} as unknown as OwnerGraph

const changes: ChangeSet = {
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  baseSource: 'push-before',
  fallback: false,
  services: ['catalog', 'web'],
  reasons: {
    catalog: [
      {
        kind: 'file',
        files: ['services/catalog/a|b<script>`x`\n[link](y).js'],
        more: 0,
        detail: '1 changed file under services/catalog/'
      }
    ],
    web: [
      {
        kind: 'dependency',
        files: ['libs/"common"/x.js'],
        more: 4,
        via: ['co"mmon', 'catalog', 'web'],
        detail: 'depends on co"mmon, which changed (5 files): co"mmon -> catalog -> web'
      }
    ]
  },
  deleted: [],
  unowned: ['<img src=x>'],
  unownedMore: 0,
  changedFiles: 7
}

describe('job summary', () => {
  const summary = renderSummary(changes, graph)

  test('a table row per selected service; file names cannot break the table or inject markup', () => {
    const rows = summary.split('\n').filter((l) => l.startsWith('| '))
    expect(rows).toHaveLength(4)
    expect(rows[2]).toContain('a&#124;b&lt;script&gt;&#96;x&#96;&#10;&#91;link&#93;(y).js')
    expect(summary).not.toContain('<script>')
    expect(summary).not.toContain('<img')
    expect(rows[3]).toContain('+2 more')
  })

  test('a mermaid diagram of the affected graph, with generated ids and escaped labels', () => {
    const diagram = /```mermaid\n([\s\S]*?)\n```/.exec(summary)?.[1]
    expect(diagram?.split('\n')).toEqual([
      'graph LR',
      '  n0["catalog"]',
      '  n1(["co#quot;mmon"])',
      '  n2["web"]',
      '  n0 --> n2',
      '  n1 --> n0',
      '  class n0 selected',
      '  class n2 selected',
      '  classDef selected fill:#d4f7d4,stroke:#2a7a2a'
    ])
  })
})
