import { describe, expect, it } from '@jest/globals'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { errorProperties, runActionBundle } from '../helpers/action-runner.js'
import { copyOfExample, editFile, lineOf } from '../helpers/manifest-fixture.js'

type Breakage = (root: string) => { file: string; line?: number; message: RegExp }

const cases: [string, Breakage][] = [
  [
    'a missing manifest',
    (root) => {
      rmSync(path.join(root, 'shipline.yml'))
      return { file: 'shipline.yml', message: /no shipline\.yml in / }
    }
  ],
  [
    'invalid YAML',
    (root) => {
      editFile(root, 'shipline.yml', (t) => t.replace('version: 1', 'version: [1'))
      return { file: 'shipline.yml', message: /invalid YAML/ }
    }
  ],
  [
    'a dependency cycle',
    (root) => {
      editFile(root, 'services/catalog/service.yml', (t) =>
        t.replace('depends_on: [common]', 'depends_on: [web]')
      )
      return {
        file: 'services/catalog/service.yml',
        line: lineOf(root, 'services/catalog/service.yml', /^depends_on/),
        message: /dependency cycle: catalog -> web -> catalog/
      }
    }
  ],
  [
    'a service name with upper case',
    (root) => {
      editFile(root, 'services/orders/service.yml', (t) => t.replace('name: orders', 'name: Orders'))
      return { file: 'services/orders/service.yml', line: 1, message: /invalid value the string "Orders"/ }
    }
  ],
  [
    'an empty service.yml',
    (root) => {
      writeFileSync(path.join(root, 'services/web/service.yml'), '')
      return { file: 'services/web/service.yml', line: 1, message: /is empty/ }
    }
  ]
]

describe('a manifest mistake fails the action step with an annotation at its location', () => {
  it.each(cases)('%s', async (_name, breakIt) => {
    const root = copyOfExample()
    const expected = breakIt(root)
    const result = await runActionBundle('detect-changed-services', { workspace: root })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^detect-changed-services: /)
    expect(result.errors[0]).toMatch(expected.message)
    const props = errorProperties(result.stdout)
    expect(props.file).toBe(expected.file)
    if (expected.line) expect(props.line).toBe(String(expected.line))
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .*\.(js|ts):\d+/)
  })
})
