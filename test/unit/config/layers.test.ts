import { describe, expect, it } from '@jest/globals'
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { loadManifest } from '../../../src/core/manifest/load-manifest.js'
import { configErrorOf, exampleWith, resolveIn } from './config-fixture.js'

const layerFiles = {
  'config/defaults.yml': 'winner: repo-defaults\nfrom_repo_defaults: 1\n',
  'config/staging.yml': 'winner: repo-env\n',
  'services/catalog/config/defaults.yml': 'winner: service-defaults\n',
  'services/catalog/config/staging.yml': '# staging\nwinner: service-env\n'
}

describe('layer precedence: repo defaults < repo env < service defaults < service env < overrides', () => {
  it('lets an override win over every file, and says so', () => {
    const { config } = resolveIn(exampleWith(layerFiles), 'catalog', 'staging', {
      overrides: ['winner=override'],
      overridesOrigin: 'command line'
    })
    expect(config.values.winner).toBe('override')
    expect(config.sources.winner).toEqual({ file: 'command line', layer: 'override' })
    expect(config.values.from_repo_defaults).toBe(1)
    expect(config.sources.from_repo_defaults).toMatchObject({ file: 'config/defaults.yml', line: 2 })
  })

  // Emptying the winning layer each time must hand the value down to the next one.
  it.each([
    ['services/catalog/config/staging.yml', 'service-env', 'services/catalog/config/staging.yml', 2],
    ['services/catalog/config/defaults.yml', 'service-defaults', 'services/catalog/config/defaults.yml', 1],
    ['config/staging.yml', 'repo-env', 'config/staging.yml', 1],
    ['config/defaults.yml', 'repo-defaults', 'config/defaults.yml', 1]
  ])('the winner is the highest layer holding the key (%s)', (winnerFile, layer, file, line) => {
    const files: Record<string, string> = { ...layerFiles }
    const order = Object.keys(layerFiles).reverse()
    for (const f of order.slice(0, order.indexOf(winnerFile))) files[f] = '# nothing here\n'
    const { config } = resolveIn(exampleWith(files), 'catalog', 'staging')
    expect(config.values.winner).toBe(layer)
    expect(config.sources.winner).toEqual({ file, line, column: 9, layer })
  })

  it('merges maps deeply, replaces lists and removes keys set to null', () => {
    const root = exampleWith({
      'config/defaults.yml': [
        'db:',
        '  host: db.local',
        '  port: 5432',
        '  options:',
        '    ssl: false',
        '    pool: 5',
        'origins: [a.example, b.example, c.example]',
        'tracing:',
        '  endpoint: http://collector',
        'legacy: yes'
      ].join('\n'),
      'config/production.yml': [
        'db:',
        '  host: db.prod',
        '  options:',
        '    ssl: true',
        'origins: [shop.example]',
        'tracing: null',
        'legacy: null'
      ].join('\n')
    })
    const { config } = resolveIn(root, 'web', 'production')
    expect(config.values.db).toEqual({ host: 'db.prod', port: 5432, options: { ssl: true, pool: 5 } })
    expect(config.values.origins).toEqual(['shop.example'])
    expect(config.values).not.toHaveProperty('tracing')
    expect(config.values).not.toHaveProperty('legacy')
    expect(config.sources['db.host']).toMatchObject({ file: 'config/production.yml', line: 2 })
    expect(config.sources['db.port']).toMatchObject({ file: 'config/defaults.yml', line: 3 })
    expect(config.sources['db.options.ssl']).toMatchObject({ file: 'config/production.yml', line: 4 })
    expect(config.sources['db.options.pool']).toMatchObject({ file: 'config/defaults.yml', line: 6 })
    expect(config.sources.origins).toMatchObject({ file: 'config/production.yml', line: 5 })
    expect(Object.keys(config.sources).filter((k) => k.startsWith('tracing'))).toEqual([])
  })

  it('replaces a map with a scalar (and the other way round) without leaving stale sources', () => {
    const root = exampleWith({
      'config/defaults.yml': 'cache:\n  size: 10\n  ttl: 5\nmode: simple\n',
      'config/staging.yml': 'cache: off\nmode:\n  kind: fancy\n'
    })
    const { config } = resolveIn(root, 'web', 'staging')
    expect(config.values.cache).toBe('off')
    expect(config.values.mode).toEqual({ kind: 'fancy' })
    expect(Object.keys(config.sources).filter((k) => k.startsWith('cache') || k.startsWith('mode'))).toEqual([
      'cache',
      'mode.kind'
    ])
  })

  it('resolves the example monorepo as documented', () => {
    const { config } = resolveIn(exampleWith(), 'catalog', 'production')
    expect(config.values).toEqual({
      log_level: 'warn',
      currency: 'EUR',
      features: { reviews: false },
      page_size: 20,
      database_url: 'postgres://catalog@db.prod.example.com/catalog',
      database_password: 'secret:CATALOG_DB_PASSWORD'
    })
    expect(config.secrets).toEqual(['CATALOG_DB_PASSWORD'])
    expect(config.environment).toBe('production')
  })
})

describe('environment names', () => {
  it.each([
    ['../prod'],
    ['prod/../x'],
    ['production/../staging'],
    ['prod%2F..'],
    [''],
    ['x'.repeat(1000)],
    ['production '],
    ['*'],
    ['staging:x'],
    ['prod']
  ])('refuses %j with the list of known environments', (name) => {
    const error = configErrorOf(() => resolveIn(exampleWith(), 'catalog', name))
    expect(error.message).toMatch(/^unknown environment "/)
    expect(error.message.length).toBeLessThan(120)
    expect(error.hint).toBe('use one of: local, staging, production')
  })

  it('matches names and file names without regard to case', () => {
    const root = exampleWith({ 'config/staging.yml': null, 'config/Staging.YML': 'log_level: trace\n' })
    const { config } = resolveIn(root, 'web', 'STAGING')
    expect(config.environment).toBe('staging')
    expect(config.values.log_level).toBe('trace')
    expect(config.sources.log_level?.file).toBe('config/Staging.YML')
  })

  it('refuses two files for one environment that differ only in case', () => {
    const root = exampleWith({ 'config/PRODUCTION.yml': 'log_level: error\n' })
    const error = configErrorOf(() => resolveIn(root, 'web', 'production'))
    expect(error.message).toMatch(/holds both PRODUCTION\.yml and production\.yml/)
  })

  // Manifest names are lower case, so a second spelling of a name can only be a refused name.
  it('refuses a manifest with two environments differing only in case', () => {
    const root = exampleWith()
    const manifest = path.join(root, 'shipline.yml')
    const text = readFileSync(manifest, 'utf8').replace('  - name: production', '  - name: staginG')
    writeFileSync(manifest, text)
    expect(() => loadManifest(root)).toThrow(/invalid value the string "staginG"|declared twice/)
  })

  it('warns about a config file named after no environment', () => {
    const root = exampleWith({ 'config/prodution.yml': 'log_level: error\n' })
    const { logger, config } = resolveIn(root, 'web', 'production')
    expect(config.values.log_level).toBe('warn')
    expect(logger.lines.find((l) => l.level === 'warning')).toMatchObject({
      message: expect.stringMatching(/config\/prodution\.yml matches no environment/),
      location: { file: 'config/prodution.yml' }
    })
  })
})

describe('config files', () => {
  it('treats an empty or comment-only file as an empty layer', () => {
    const root = exampleWith({
      'config/production.yml': '',
      'services/catalog/config/production.yml': '# todo\n'
    })
    const { config } = resolveIn(root, 'catalog', 'production')
    expect(config.values.log_level).toBe('info')
    expect(config.secrets).toEqual([])
  })

  it('needs no environment file, and no config folder at all for a service', () => {
    const root = exampleWith({ 'services/web/config/defaults.yml': null })
    rmSync(path.join(root, 'services/web/config'), { recursive: true, force: true })
    const { config } = resolveIn(root, 'web', 'staging')
    expect(config.values).toEqual({ log_level: 'info', currency: 'EUR', features: { reviews: true } })
  })

  it('refuses a config folder without its defaults file', () => {
    const root = exampleWith({ 'services/catalog/config/defaults.yml': null })
    const error = configErrorOf(() => resolveIn(root, 'catalog', 'production'))
    expect(error.message).toBe('config folder services/catalog/config has no defaults.yml')
    expect(error.location.file).toBe('services/catalog/config/defaults.yml')
  })

  it.each([
    ['invalid YAML', 'a: 1\nb: x: y\n', /^invalid YAML/, 2],
    ['a duplicate key', 'a: 1\na: 2\n', /^invalid YAML/, 2],
    ['tab indentation', 'db:\n\thost: x\n', /^invalid YAML/, 2],
    ['a list instead of a map', '- a\n- b\n', /must be a map of keys/, 1],
    ['a single string', 'just text\n', /must be a map of keys/, 1],
    ['a __proto__ key', 'log_level: x\n__proto__:\n  polluted: true\n', /"__proto__" is not allowed/, 2],
    ['a nested constructor key', 'db:\n  constructor: 1\n', /"constructor" is not allowed/, 2],
    ['a prototype key', 'db:\n  x: 1\n  prototype: {}\n', /"prototype" is not allowed/, 3],
    ['a key with a dot', 'a.b: 1\n', /invalid config key "a\.b"/, 1],
    ['a malformed secret reference', 'pw: secret:not-a-name\n', /invalid secret reference/, 1],
    ['a runner variable as a secret', 'x: 1\npw: secret:GITHUB_TOKEN\n', /names a variable of the runner/, 2]
  ])('refuses %s with its file and line', (_name, text, message, line) => {
    const root = exampleWith({ 'config/production.yml': text })
    const error = configErrorOf(() => resolveIn(root, 'web', 'production'))
    expect(error.message).toMatch(message)
    expect(error.location).toMatchObject({ file: 'config/production.yml', line })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses a config file that is a symbolic link leading outside the repository', () => {
    const root = exampleWith({ 'config/production.yml': null })
    const outside = path.join(exampleWith(), 'config', 'production.yml')
    symlinkSync(outside, path.join(root, 'config', 'production.yml'))
    const error = configErrorOf(() => resolveIn(root, 'web', 'production'))
    expect(error.message).toMatch(/^config file "config\/production\.yml" leads outside the repository/)
  })

  it('refuses an alias bomb', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`
      )
    const root = exampleWith({ 'config/production.yml': `${levels.join('\n')}\n` })
    expect(configErrorOf(() => resolveIn(root, 'web', 'production')).message).toMatch(/expands aliases/)
  })

  it('refuses a 10 MB file before parsing it', () => {
    const root = exampleWith({ 'config/production.yml': `padding: "${'x'.repeat(10 * 1024 * 1024)}"\n` })
    const error = configErrorOf(() => resolveIn(root, 'web', 'production'))
    expect(error.message).toMatch(/is 10\.0 MB, over the 1\.0 MB limit/)
  })

  it('reads on, yes, no and off as strings (YAML 1.2), true and false as booleans', () => {
    const root = exampleWith({
      'config/production.yml': 'a: on\nb: yes\nc: no\nd: off\nno: y\ne: true\nf: False\n'
    })
    const { config } = resolveIn(root, 'web', 'production')
    expect(config.values).toMatchObject({ a: 'on', b: 'yes', c: 'no', d: 'off', no: 'y', e: true, f: false })
  })

  it('passes values with newlines, ghadelimiter_, ${{ }} and $( ) through verbatim', () => {
    const root = exampleWith({
      'config/production.yml': [
        'multi: "line one\\nline two"',
        'delimiter: "ghadelimiter_1234\\nx"',
        "expression: '${{ secrets.GITHUB_TOKEN }}'",
        "command: '$(id) `whoami`'"
      ].join('\n')
    })
    const { config } = resolveIn(root, 'web', 'production')
    expect(config.values).toMatchObject({
      multi: 'line one\nline two',
      delimiter: 'ghadelimiter_1234\nx',
      expression: '${{ secrets.GITHUB_TOKEN }}',
      command: '$(id) `whoami`'
    })
    expect(JSON.parse(config.render('json'))).toMatchObject(config.values)
  })
})

describe('overrides', () => {
  it('reads JSON values as JSON and anything else as a string, nested keys with dots', () => {
    const { config } = resolveIn(exampleWith(), 'catalog', 'staging', {
      overrides: [
        'page_size=50',
        'features.reviews=false',
        'label="50"',
        'mode=on',
        'tags=["a","b"]',
        'cmd=$(id)',
        'currency=null'
      ]
    })
    expect(config.values).toMatchObject({
      page_size: 50,
      features: { reviews: false },
      label: '50',
      mode: 'on',
      tags: ['a', 'b'],
      cmd: '$(id)'
    })
    expect(config.values).not.toHaveProperty('currency')
  })

  it.each([
    ['no-equals'],
    ['=value'],
    ['__proto__.polluted=1'],
    ['a..b=1'],
    ['x={"__proto__":{"polluted":1}}']
  ])('refuses %j', (line) => {
    const error = configErrorOf(() => resolveIn(exampleWith(), 'catalog', 'staging', { overrides: [line] }))
    expect(error.location.file).toBe('overrides')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
