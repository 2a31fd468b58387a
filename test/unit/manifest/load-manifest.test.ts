import { describe, expect, it } from '@jest/globals'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, ConfigErrors } from '../../../src/core/errors.js'
import { findEnvironment, findService, loadManifest } from '../../../src/core/manifest/load-manifest.js'
import { copyOfExample, editFile, lineOf } from '../../helpers/manifest-fixture.js'

function loadError(root: string): ConfigError {
  try {
    loadManifest(root)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected the manifest to be refused')
}

describe('loadManifest on the example monorepo', () => {
  it('finds the three services and the shared library, with defaults applied', () => {
    const manifest = loadManifest(copyOfExample())
    expect(manifest.services.map((s) => s.name)).toEqual(['catalog', 'orders', 'web'])
    expect(manifest.shared.map((s) => [s.name, s.path])).toEqual([['common', 'libs/common']])
    const web = findService(manifest, 'web')
    expect(web.path).toBe('services/web')
    expect(web.dependsOn).toEqual(['common', 'catalog'])
    expect(web.paths[0]).toBe('services/web/**')
    expect(web.artifacts.installDir).toBe('/opt/web')
    expect(web.run?.command).toEqual(['node', 'src/server.mjs'])
    expect(web.run?.health.timeoutMs).toBe(2000)
    expect(manifest.global).toContain('shipline.yml')
  })

  it('keeps environments in promotion order and finds them without regard to case', () => {
    const manifest = loadManifest(copyOfExample())
    expect(manifest.environments.map((e) => e.name)).toEqual(['local', 'staging', 'production'])
    expect(findEnvironment(manifest, 'Production').name).toBe('production')
    const prod = findEnvironment(manifest, 'production')
    expect(prod.groups.find((g) => g.name === 'catalog')?.hosts).toHaveLength(3)
    expect(prod.lockTimeoutMs).toBe(600_000)
    expect(() => findEnvironment(manifest, 'prod')).toThrow(/unknown environment "prod"/)
    expect(() => findEnvironment(manifest, '../production')).toThrow(ConfigError)
  })

  it('refuses an unknown service with the list of known ones, and a shared folder as a service', () => {
    const manifest = loadManifest(copyOfExample())
    expect(() => findService(manifest, 'catalgo')).toThrow(/unknown service "catalgo"/)
    try {
      findService(manifest, 'catalgo')
    } catch (error) {
      expect((error as ConfigError).hint).toContain('catalog, orders, web')
    }
    expect(() => findService(manifest, 'common')).toThrow(/shared folder, not a service/)
  })
})

describe('loadManifest refuses bad input with one clear located error', () => {
  it('a missing shipline.yml', () => {
    const root = copyOfExample()
    const error = loadError(path.join(root, 'services'))
    expect(error.message).toMatch(/no shipline.yml in /)
    expect(error.hint).toMatch(/--repo/)
  })

  it('an empty shipline.yml', () => {
    const root = copyOfExample()
    writeFileSync(path.join(root, 'shipline.yml'), '\n\n')
    const error = loadError(root)
    expect(error.format()).toMatch(/^shipline\.yml:1:1: shipline\.yml is empty/)
  })

  it('invalid YAML, at its line', () => {
    const root = copyOfExample()
    editFile(root, 'shipline.yml', (t) =>
      t.replace('discover:\n  - services/*', 'discover:\n  - [services/*')
    )
    const error = loadError(root)
    expect(error.message).toMatch(/^invalid YAML/)
    expect(error.location.file).toBe('shipline.yml')
    expect(error.location.line).toBeGreaterThanOrEqual(lineOf(root, 'shipline.yml', /\[services/))
  })

  it('an unknown key, with the nearest known key suggested', () => {
    const root = copyOfExample()
    editFile(root, 'services/orders/service.yml', (t) => t.replace('depends_on:', 'depend_on:'))
    const error = loadError(root)
    expect(error.message).toBe('unknown key "depend_on"')
    expect(error.hint).toBe('did you mean "depends_on"?')
    expect(error.location).toMatchObject({
      file: 'services/orders/service.yml',
      line: lineOf(root, 'services/orders/service.yml', /^depend_on:/),
      column: 1,
      keyPath: 'depend_on'
    })
  })

  it('a value of the wrong type', () => {
    const root = copyOfExample()
    editFile(root, 'services/catalog/service.yml', (t) => t.replace('port: 8081', 'port: eighty'))
    const error = loadError(root)
    expect(error.message).toBe('expected integer, got the string "eighty"')
    expect(error.location.keyPath).toBe('run.port')
    expect(error.location.line).toBe(lineOf(root, 'services/catalog/service.yml', /port: eighty/))
    expect(error.format()).toMatch(/^services\/catalog\/service\.yml:\d+:\d+: expected integer/)
  })

  it('a build command written as a shell string', () => {
    const root = copyOfExample()
    editFile(root, 'services/catalog/service.yml', (t) =>
      t.replace('command: [node, ../../libs/common/build-service.mjs]', 'command: node build.mjs && rm -rf /')
    )
    const error = loadError(root)
    expect(error.location.keyPath).toBe('build.command')
    expect(error.hint).toMatch(/list of arguments/)
  })

  it('two services with the same name', () => {
    const root = copyOfExample()
    editFile(root, 'services/orders/service.yml', (t) => t.replace('name: orders', 'name: catalog'))
    const error = loadError(root)
    expect(error.message).toMatch(
      /duplicate name "catalog" \(also defined at services\/catalog\/service\.yml:1\)/
    )
    expect(error.location.file).toBe('services/orders/service.yml')
  })

  it('a depends_on cycle, shown as its chain', () => {
    const root = copyOfExample()
    editFile(root, 'services/catalog/service.yml', (t) =>
      t.replace('depends_on: [common]', 'depends_on: [common, web]')
    )
    const error = loadError(root)
    expect(error.message).toBe('dependency cycle: catalog -> web -> catalog')
    expect(error.location.file).toBe('services/catalog/service.yml')
  })

  it('a dependency on an unknown name, with a suggestion', () => {
    const root = copyOfExample()
    editFile(root, 'services/orders/service.yml', (t) =>
      t.replace('depends_on: [common]', 'depends_on: [comon]')
    )
    const error = loadError(root)
    expect(error.message).toMatch(/depends on "comon", which is neither a service nor a shared folder/)
    expect(error.hint).toBe('did you mean "common"?')
  })

  it.each([
    ['upper case', 'Catalog'],
    ['a space', 'cat alog'],
    ['a slash', 'cat/alog'],
    ['200 characters', 'c'.repeat(200)]
  ])('a service name with %s', (_what, name) => {
    const root = copyOfExample()
    editFile(root, 'services/catalog/service.yml', (t) =>
      t.replace('name: catalog', `name: ${JSON.stringify(name)}`)
    )
    const error = loadError(root)
    expect(error.location).toMatchObject({ file: 'services/catalog/service.yml', line: 1, keyPath: 'name' })
    expect(error.hint).toMatch(/DNS label/)
  })

  it.each([
    ['a relative escape', '../outside'],
    ['an absolute path', '/etc']
  ])('an inline service folder outside the repository (%s)', (_what, folder) => {
    const root = copyOfExample()
    editFile(root, 'shipline.yml', (t) =>
      t.replace('shared:', `services:\n  legacy:\n    path: ${folder}\n\nshared:`)
    )
    const error = loadError(root)
    expect(error.message).toMatch(/points outside the repository/)
    expect(error.location.line).toBe(
      lineOf(root, 'shipline.yml', new RegExp(`path: ${folder.replace('/', '\\/')}`))
    )
  })

  it('a service folder that is a symlink pointing out of the repository', () => {
    const root = copyOfExample()
    const outside = copyOfExample()
    symlinkSync(path.join(outside, 'services', 'orders'), path.join(root, 'services', 'linked'))
    // Discovery does not follow links, so the linked folder is reached only when named explicitly.
    editFile(root, 'shipline.yml', (t) =>
      t.replace('shared:', 'services:\n  linked:\n    path: services/linked\n\nshared:')
    )
    const error = loadError(root)
    expect(error.message).toMatch(/leads outside the repository through a symbolic link/)
  })

  it('a discovery pattern reaching outside the repository', () => {
    const root = copyOfExample()
    editFile(root, 'shipline.yml', (t) => t.replace('  - services/*', '  - ../**'))
    expect(loadError(root).message).toMatch(/pattern "..\/\*\*" reaches outside the repository/)
  })

  it('a symlink loop inside a service folder does not hang discovery', () => {
    const root = copyOfExample()
    mkdirSync(path.join(root, 'services', 'catalog', 'loop'))
    symlinkSync('..', path.join(root, 'services', 'catalog', 'loop', 'up'))
    editFile(root, 'shipline.yml', (t) => t.replace('  - services/*', '  - services/**'))
    expect(loadManifest(root).services.map((s) => s.name)).toEqual(['catalog', 'orders', 'web'])
  })

  it('10 MB of YAML is refused before it is parsed', () => {
    const root = copyOfExample()
    writeFileSync(path.join(root, 'shipline.yml'), `version: 1\n# ${'x'.repeat(10 * 1024 * 1024)}\n`)
    const error = loadError(root)
    expect(error.message).toMatch(/is 10\.0 MB, over the 1\.0 MB limit/)
  })

  it('an alias bomb is refused', () => {
    const root = copyOfExample()
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]'
    ].join('\n')
    writeFileSync(path.join(root, 'shipline.yml'), `${bomb}\n`)
    expect(loadError(root).message).toMatch(/expands aliases too many times/)
  })

  it('duplicate keys are refused at the second one', () => {
    const root = copyOfExample()
    editFile(root, 'services/web/service.yml', (t) => `${t}version: 2.0.0\n`)
    const error = loadError(root)
    expect(error.message).toMatch(/^invalid YAML: map keys must be unique/)
    expect(error.location.file).toBe('services/web/service.yml')
  })

  it('__proto__ and constructor keys are reported as unknown keys and pollute nothing', () => {
    const root = copyOfExample()
    editFile(root, 'services/web/service.yml', (t) => `${t}__proto__:\n  polluted: true\nconstructor: 1\n`)
    const error = loadError(root)
    expect(error).toBeInstanceOf(ConfigErrors)
    expect((error as ConfigErrors).errors.map((e) => e.message)).toEqual([
      'unknown key "__proto__"',
      'unknown key "constructor"'
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('reads YAML 1.2: "on" and "yes" stay strings', () => {
    const root = copyOfExample()
    editFile(root, 'services/web/service.yml', (t) =>
      t.replace('description: Web front end of the example shop', 'description: yes')
    )
    const web = findService(loadManifest(root), 'web')
    expect(web.description).toBe('yes')
  })

  it('a file starting with a byte-order mark reads normally, with columns intact', () => {
    const root = copyOfExample()
    editFile(root, 'services/orders/service.yml', (t) => `\ufeff${t.replace('name: orders', 'name: Orders')}`)
    const error = loadError(root)
    expect(error.location).toMatchObject({ file: 'services/orders/service.yml', line: 1, column: 7 })
  })

  it('two environments whose names differ only in case', () => {
    const root = copyOfExample()
    editFile(root, 'shipline.yml', (t) => t.replace('  - name: staging', '  - name: local2'))
    editFile(root, 'shipline.yml', (t) => t.replace('  - name: local2', '  - name: Local'))
    const error = loadError(root)
    expect(error.location.keyPath).toBe('environments[1].name')
  })

  it('an environment that places an unknown service', () => {
    const root = copyOfExample()
    editFile(root, 'shipline.yml', (t) =>
      t.replace('services: [catalog, orders]', 'services: [catalog, payments]')
    )
    const error = loadError(root)
    expect(error.message).toBe('environment "staging" places unknown service "payments"')
    expect(error.location.line).toBe(lineOf(root, 'shipline.yml', /payments/))
  })
})
