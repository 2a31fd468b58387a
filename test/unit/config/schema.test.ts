import { describe, expect, it } from '@jest/globals'
import { configErrorOf, configErrorsOf, exampleWith, resolveIn } from './config-fixture.js'

const serviceYml = (schema: string) => ({
  'services/catalog/service.yml': `name: catalog\ndepends_on: [common]\nconfig:\n  dir: config\n  schema: ${schema}\n`
})

const draft7 = JSON.stringify({
  type: 'object',
  required: ['page_size', 'log_level'],
  properties: {
    page_size: { type: 'integer', minimum: 1 },
    log_level: { enum: ['debug', 'info', 'warn', 'error'] },
    database_password: { type: 'string' },
    features: { type: 'object', properties: { reviews: { type: 'boolean' } }, additionalProperties: false }
  }
})

describe("a service's config schema", () => {
  it('accepts a valid effective config, secret references included', () => {
    const root = exampleWith({
      ...serviceYml('config/schema.json'),
      'services/catalog/config/schema.json': draft7
    })
    const { config } = resolveIn(root, 'catalog', 'production')
    expect(config.values.page_size).toBe(20)
  })

  it('names the value, the file and line it came from, and what the schema expected', () => {
    const root = exampleWith({
      ...serviceYml('config/schema.json'),
      'services/catalog/config/schema.json': draft7,
      'services/catalog/config/production.yml': '# tuned for production\npage_size: many\n'
    })
    const error = configErrorOf(() => resolveIn(root, 'catalog', 'production'))
    expect(error.message).toBe('config value "page_size" = "many" does not match the schema: must be integer')
    expect(error.location).toMatchObject({
      file: 'services/catalog/config/production.yml',
      line: 2,
      keyPath: 'page_size'
    })
    expect(error.hint).toBe('services/catalog/config/schema.json expects type integer')
  })

  it('points at the override when the wrong value came from one', () => {
    const root = exampleWith({
      ...serviceYml('config/schema.json'),
      'services/catalog/config/schema.json': draft7
    })
    const error = configErrorOf(() =>
      resolveIn(root, 'catalog', 'staging', {
        overrides: ['log_level=verbose'],
        overridesOrigin: 'input "overrides"'
      })
    )
    expect(error.message).toMatch(/"log_level" = "verbose"/)
    expect(error.location.file).toBe('input "overrides"')
    expect(error.hint).toBe(
      'services/catalog/config/schema.json expects one of "debug", "info", "warn", "error"'
    )
  })

  it('reports every violation at once: missing, unknown and mistyped values', () => {
    const root = exampleWith({
      ...serviceYml('config/schema.json'),
      'services/catalog/config/schema.json': draft7,
      'services/catalog/config/defaults.yml': 'features:\n  reviews: yes\n  ratings: true\n'
    })
    const errors = configErrorsOf(() => resolveIn(root, 'catalog', 'staging'))
    expect(errors.map((e) => e.message).sort()).toEqual([
      'config value "features.ratings" is not allowed',
      'config value "features.reviews" = "yes" does not match the schema: must be boolean',
      'config value "page_size" is missing'
    ])
    const ratings = errors.find((e) => e.message.includes('ratings'))
    expect(ratings?.location).toMatchObject({ file: 'services/catalog/config/defaults.yml', line: 3 })
  })

  it('reads a YAML schema declaring draft 2020-12', () => {
    const root = exampleWith({
      ...serviceYml('config/schema.yml'),
      'services/catalog/config/schema.yml': [
        '$schema: https://json-schema.org/draft/2020-12/schema',
        'type: object',
        'properties:',
        '  page_size: { type: integer, maximum: 10 }',
        '  tags: { type: array, prefixItems: [{ type: string }], items: false }'
      ].join('\n')
    })
    const error = configErrorOf(() => resolveIn(root, 'catalog', 'production'))
    expect(error.message).toBe('config value "page_size" = 20 does not match the schema: must be <= 10')
    expect(error.location).toMatchObject({ file: 'services/catalog/config/defaults.yml', line: 1 })
    // The schema file sits in the config folder without being taken for an environment file.
    const ok = resolveIn(root, 'catalog', 'production', { overrides: ['page_size=5'] })
    expect(ok.logger.messages('warning')).toEqual([])
  })

  it('refuses a missing or invalid schema file', () => {
    const missing = exampleWith(serviceYml('config/nope.json'))
    expect(configErrorOf(() => resolveIn(missing, 'catalog', 'staging')).message).toBe(
      'services/catalog/config/nope.json does not exist'
    )
    const invalid = exampleWith({
      ...serviceYml('config/schema.json'),
      'services/catalog/config/schema.json': '{"type": "nonsense"}'
    })
    expect(configErrorOf(() => resolveIn(invalid, 'catalog', 'staging')).message).toMatch(
      /config\/schema\.json is not a valid JSON Schema/
    )
  })
})
