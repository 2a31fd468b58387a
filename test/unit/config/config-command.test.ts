import { describe, expect, it } from '@jest/globals'
import { runCli } from '../../../src/cli/main.js'
import { exampleWith } from './config-fixture.js'

async function shipline(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = ''
  let err = ''
  const code = await runCli(argv, {
    stdout: { write: (s: string) => ((out += s), true), isTTY: false },
    stderr: { write: (s: string) => ((err += s), true) },
    env,
    cwd: exampleWith()
  })
  return { code, out, err }
}

describe('shipline config', () => {
  it('prints the effective config, the secrets it references and the hosts', async () => {
    const { code, out } = await shipline(['config', 'catalog', '--environment', 'Production'])
    expect(code).toBe(0)
    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^catalog in production \(sha256:[0-9a-f]{64}\)$/)
    expect(lines).toContain('  log_level         = "warn"')
    expect(lines).toContain('  page_size         = 20')
    expect(lines).toContain('  database_password = "secret:CATALOG_DB_PASSWORD"')
    expect(out).toContain('secrets referenced: CATALOG_DB_PASSWORD')
    expect(out).toContain('hosts: catalog-1.prod.example.com (catalog), catalog-2.prod.example.com (catalog)')
  })

  it('--explain shows the file and line of every value', async () => {
    const { out } = await shipline(['config', 'catalog', 'environment=staging', '--explain'])
    expect(out).toContain('  features.reviews = true  config/staging.yml:2 (repo-env)')
    expect(out).toContain(
      '  page_size        = 20  services/catalog/config/defaults.yml:1 (service-defaults)'
    )
  })

  it('--json prints the config for machines, with sources under --explain', async () => {
    const { code, out } = await shipline([
      'config',
      'orders',
      '--environment',
      'production',
      '--json',
      '--explain'
    ])
    expect(code).toBe(0)
    const json = JSON.parse(out)
    expect(json.values).toMatchObject({
      payment_gateway: 'live',
      payment_api_key: 'secret:ORDERS_PAYMENT_KEY'
    })
    expect(json.sources.payment_gateway).toEqual({
      file: 'services/orders/config/production.yml',
      line: 1,
      column: 18,
      layer: 'service-env'
    })
    expect(json.secrets).toEqual(['ORDERS_PAYMENT_KEY'])
    expect(json.hosts).toHaveLength(2)
  })

  it('takes key=value overrides after -- and renders a file with --format', async () => {
    const { code, out } = await shipline([
      'config',
      'web',
      '--environment',
      'local',
      '--format',
      'dotenv',
      '--',
      'log_level=trace',
      'catalog_url=http://x,y'
    ])
    expect(code).toBe(0)
    expect(out).toBe(
      "CATALOG_URL='http://x,y'\nCURRENCY='EUR'\nFEATURES_REVIEWS='false'\nLOG_LEVEL='trace'\n"
    )
  })

  it('diff shows what differs between two environments and where each side comes from', async () => {
    const { code, out } = await shipline(['config', 'diff', 'staging', 'production', '--service', 'catalog'])
    expect(code).toBe(0)
    expect(out.split('\n').slice(0, 4)).toEqual([
      '4 difference(s) in catalog between staging and production:',
      '  database_password',
      '    staging:    (not set)',
      '    production: "secret:CATALOG_DB_PASSWORD"  services/catalog/config/production.yml:2 (service-env)'
    ])
    expect(out).toContain('    production: "warn"  config/production.yml:1 (repo-env)')
    const json = JSON.parse(
      (await shipline(['config', 'diff', 'staging', 'staging', '--service', 'web', '--json'])).out
    )
    expect(json.differences).toEqual([])
  })

  it('refuses an unknown environment with exit 2 and the known list', async () => {
    const { code, err } = await shipline(['config', 'catalog', '--environment', '../prod'])
    expect(code).toBe(2)
    expect(err).toContain('unknown environment "../prod"')
    expect(err).toContain('use one of: local, staging, production')
  })

  it('--check-secrets fails naming the missing secret and never prints a present one', async () => {
    const missing = await shipline(['config', 'catalog', '--environment', 'production', '--check-secrets'])
    expect(missing.code).toBe(2)
    expect(missing.err).toContain('secret CATALOG_DB_PASSWORD (referenced by "database_password") is not set')
    const present = await shipline(['config', 'catalog', '--environment', 'production', '--check-secrets'], {
      CATALOG_DB_PASSWORD: 's3cr3t-value'
    })
    expect(present.code).toBe(0)
    expect(present.out + present.err).not.toContain('s3cr3t-value')
  })

  it.each([
    [['config', 'catalog'], /--environment/],
    [['config', 'diff', 'staging', '--service', 'catalog'], /config diff <env-a> <env-b>/],
    [['config', 'diff', 'staging', 'production'], /--service/],
    [
      ['config', 'catalog', '--environment', 'staging', '--format', 'toml'],
      /--format takes dotenv, json, yaml/
    ]
  ])('usage mistakes exit 2: %j', async (argv, message) => {
    const { code, err } = await shipline(argv)
    expect(code).toBe(2)
    expect(err).toMatch(message)
  })
})
