import { describe, expect, it } from '@jest/globals'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { errorProperties, runActionBundle } from '../../helpers/action-runner.js'
import { copyOfExample } from '../../helpers/manifest-fixture.js'
import { leakForms, visibleLog } from './secret-leak-forms.js'

const secret = 'S3cr3t p@ss/"q"+?&\nsecond-line-of-it'

function workspaceWith(files: Record<string, string> = {}): string {
  const root = copyOfExample()
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text)
  return root
}

describe('resolve-env-config as the runner runs it', () => {
  it('resolves, writes a private config file and sets outputs that hold no secret', async () => {
    const result = await runActionBundle('resolve-env-config', {
      workspace: workspaceWith(),
      inputs: {
        service: 'catalog',
        environment: 'Production',
        overrides: 'page_size=50\nfeatures.new_ui=on'
      },
      env: { CATALOG_DB_PASSWORD: secret }
    })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs.environment).toBe('production')
    expect(JSON.parse(result.outputs.config as string)).toEqual({
      currency: 'EUR',
      database_password: 'secret:CATALOG_DB_PASSWORD',
      database_url: 'postgres://catalog@db.prod.example.com/catalog',
      features: { new_ui: 'on', reviews: false },
      log_level: 'warn',
      page_size: 50
    })
    expect(result.outputs['config-hash']).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(JSON.parse(result.outputs.hosts as string).map((h: { host: string }) => h.host)).toEqual([
      'catalog-1.prod.example.com',
      'catalog-2.prod.example.com',
      'catalog-3.prod.example.com'
    ])

    const file = result.outputs['config-file'] as string
    expect(path.dirname(file)).toBe(result.runnerTemp)
    expect(file).toMatch(/shipline-config-catalog-production-[0-9a-f]{12}\.env$/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const text = readFileSync(file, 'utf8')
    expect(text).toContain(`DATABASE_PASSWORD="S3cr3t p@ss/\\"q\\"+?&\\nsecond-line-of-it"`)
    expect(text).toContain("PAGE_SIZE='50'")

    expect(result.summary).toContain(
      '| <code>database_password</code> | \\*\\*\\* (secret CATALOG_DB_PASSWORD) |'
    )
    expect(result.summary).toContain(
      '| <code>page_size</code> | <code>50</code> | input "overrides" (override) |'
    )
  })

  it('log-scan: no form of a secret appears in the log, the outputs or the summary', async () => {
    const result = await runActionBundle('resolve-env-config', {
      workspace: workspaceWith(),
      inputs: { service: 'orders', environment: 'production', format: 'json' },
      env: { ORDERS_PAYMENT_KEY: secret }
    })
    expect(result.exitCode).toBe(0)
    const log = visibleLog(result.stdout, result.stderr)
    const published = [
      log,
      JSON.stringify(result.outputs),
      result.summary,
      JSON.stringify(result.exportedEnv)
    ]
    for (const form of leakForms(secret)) for (const text of published) expect(text).not.toContain(form)
    // The masks were registered, the runner-known encodings included, before the step's last line.
    const masks = result.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'))
    expect(masks.length).toBeGreaterThanOrEqual(5)
    expect(masks).toContain(`::add-mask::${Buffer.from(secret).toString('base64')}`)
    const lastMask = result.stdout.lastIndexOf('::add-mask::')
    expect(result.stdout.indexOf('orders in production')).toBeGreaterThan(lastMask)
    // The reverse check: ordinary values were not masked away.
    expect(JSON.parse(result.outputs.config as string).payment_gateway).toBe('live')
    expect(JSON.parse(readFileSync(result.outputs['config-file'] as string, 'utf8')).payment_api_key).toBe(
      secret
    )
  })

  it('on a dry run checks the secrets exist, writes nothing and reads no value into the log', async () => {
    const result = await runActionBundle('resolve-env-config', {
      workspace: workspaceWith(),
      inputs: { service: 'catalog', environment: 'production', 'dry-run': 'true' },
      env: { CATALOG_DB_PASSWORD: secret }
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs['config-file']).toBe('')
    expect(readdirSync(result.runnerTemp)).toEqual([])
    for (const form of leakForms(secret)) expect(result.stdout + result.stderr).not.toContain(form)
    expect(result.stdout).toContain('present (dry run: nothing written)')

    const missing = await runActionBundle('resolve-env-config', {
      workspace: workspaceWith(),
      inputs: { service: 'catalog', environment: 'production', 'dry-run': 'true' }
    })
    expect(missing.exitCode).toBe(1)
    expect(missing.errors[0]).toMatch(
      /^resolve-env-config: secret CATALOG_DB_PASSWORD \(referenced by "database_password"\) is not set/
    )
  })

  it('fails naming a missing secret at the line that references it', async () => {
    const result = await runActionBundle('resolve-env-config', {
      workspace: workspaceWith(),
      inputs: { service: 'orders', environment: 'production' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^resolve-env-config: secret ORDERS_PAYMENT_KEY/)
    expect(errorProperties(result.stdout)).toMatchObject({
      file: 'services/orders/config/production.yml',
      line: '2'
    })
    expect(result.outputs).toEqual({})
  })

  it.each([['../prod'], ['prod/../x'], ['x'.repeat(1000)], ['*']])(
    'refuses the environment %j with the known environments, setting no output',
    async (environment) => {
      const result = await runActionBundle('resolve-env-config', {
        workspace: workspaceWith(),
        inputs: { service: 'web', environment }
      })
      expect(result.exitCode).toBe(1)
      expect(result.errors[0]).toMatch(/^resolve-env-config: unknown environment "/)
      expect(result.errors[0]).toContain('use one of: local, staging, production')
      expect(result.outputs).toEqual({})
    }
  )

  it('refuses an empty environment input', async () => {
    const result = await runActionBundle('resolve-env-config', {
      workspace: workspaceWith(),
      inputs: { service: 'web', environment: '' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/input "environment" is required/)
  })

  it('passes newlines, ghadelimiter_, ${{ }} and $( ) through to outputs and files verbatim', async () => {
    const hostile = {
      multi: 'line one\nline two',
      delimiter: 'ghadelimiter_0123\nname<<EOF',
      expression: '${{ secrets.GITHUB_TOKEN }}',
      command: '$(touch /tmp/pwned) `id`'
    }
    const result = await runActionBundle('resolve-env-config', {
      workspace: workspaceWith({ 'config/staging.yml': JSON.stringify(hostile) }),
      inputs: { service: 'web', environment: 'staging', format: 'yaml' }
    })
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs.config as string)).toMatchObject(hostile)
    expect(parse(readFileSync(result.outputs['config-file'] as string, 'utf8'))).toMatchObject(hostile)
    expect(Object.keys(result.outputs).sort()).toEqual([
      'config',
      'config-file',
      'config-hash',
      'environment',
      'hosts'
    ])
  })

  // Documented behaviour: a secret whose value is also an ordinary value masks that value; the
  // step still sets its outputs, warns naming the secret, and the runner drops the job output.
  it('warns when a secret value also appears in a non-secret output', async () => {
    const result = await runActionBundle('resolve-env-config', {
      workspace: workspaceWith(),
      inputs: { service: 'catalog', environment: 'production' },
      env: { CATALOG_DB_PASSWORD: 'production' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('::add-mask::production')
    const warning = result.stdout.split('\n').find((l) => l.startsWith('::warning::'))
    expect(warning).toMatch(
      /output "environment" contains text equal to the value of secret CATALOG_DB_PASSWORD/
    )
    expect(result.outputs.environment).toBe('production')
  })

  it('annotates a bad config file at its line, relative to the workspace', async () => {
    const workspace = copyOfExample()
    const sub = path.join(workspace, 'shop')
    mkdirSync(sub)
    for (const entry of readdirSync(workspace))
      if (entry !== 'shop') renameSync(path.join(workspace, entry), path.join(sub, entry))
    writeFileSync(path.join(sub, 'config/production.yml'), 'log_level: warn\n__proto__:\n  admin: true\n')
    const result = await runActionBundle('resolve-env-config', {
      workspace,
      inputs: { 'working-directory': 'shop', service: 'web', environment: 'production' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/config key "__proto__" is not allowed/)
    expect(errorProperties(result.stdout)).toMatchObject({ file: 'shop/config/production.yml', line: '2' })

    writeFileSync(path.join(sub, 'config/production.yml'), 'log_level: warn\ndb_password: hunter2\n')
    const warned = await runActionBundle('resolve-env-config', {
      workspace,
      inputs: { 'working-directory': 'shop', service: 'web', environment: 'production' }
    })
    expect(warned.exitCode).toBe(0)
    const warning = warned.stdout.split('\n').find((l) => l.startsWith('::warning '))
    expect(warning).toMatch(
      /^::warning file=shop\/config\/production\.yml,line=2,col=14::config key "db_password" looks like a secret/
    )
  })
})
