import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'
import { diffConfigs } from '../../../src/core/config/diff-config.js'
import { renderConfig } from '../../../src/core/config/render-config.js'
import { renderConfigSummary } from '../../../src/core/config/summary.js'
import { configErrorOf, exampleWith, resolveIn } from './config-fixture.js'

/** Reads a dotenv line the way dotenv readers do (single quotes literal, double quotes with escapes). */
function readDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.trimEnd().split('\n')) {
    const [, name, raw] = /^([A-Z0-9_]+)=(.*)$/.exec(line) as unknown as [string, string, string]
    out[name] = raw.startsWith("'")
      ? raw.slice(1, -1)
      : raw.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c))
  }
  return out
}

const tricky = {
  plain: 'hello world',
  quote: "it's",
  multi: 'line one\nline two',
  dollar: '$(id) ${HOME} `x`',
  expression: '${{ secrets.X }}',
  nested: { flag: true, count: 3, list: ['a', 'b'] }
}

describe('rendering the config as a file', () => {
  it('writes dotenv with upper-case joined names and values that read back verbatim', () => {
    const text = renderConfig(tricky, 'dotenv')
    expect(text.split('\n')[0]).toBe("DOLLAR='$(id) ${HOME} `x`'")
    expect(readDotenv(text)).toEqual({
      DOLLAR: '$(id) ${HOME} `x`',
      EXPRESSION: '${{ secrets.X }}',
      MULTI: 'line one\nline two',
      NESTED_COUNT: '3',
      NESTED_FLAG: 'true',
      NESTED_LIST: '["a","b"]',
      PLAIN: 'hello world',
      QUOTE: "it's"
    })
    expect(text).toContain('MULTI="line one\\nline two"')
  })

  it('refuses two keys that would share one dotenv name', () => {
    const error = configErrorOf(() => renderConfig({ a_b: 1, a: { b: 2 } }, 'dotenv'))
    expect(error.message).toBe('config keys "a.b" and "a_b" both become A_B in a dotenv file')
  })

  it('writes JSON and YAML that parse back to the same values, with sorted keys', () => {
    expect(JSON.parse(renderConfig(tricky, 'json'))).toEqual(tricky)
    const yaml = renderConfig({ ...tricky, yes: 'on' }, 'yaml')
    expect(parse(yaml)).toEqual({ ...tricky, yes: 'on' })
    // YAML 1.1 readers must not see a boolean either.
    expect(parse(yaml, { version: '1.1' })).toEqual({ ...tricky, yes: 'on' })
    expect(yaml.split('\n')[0]).toBe('"dollar": "$(id) ${HOME} `x`"')
    expect(renderConfig({ b: 1, a: 2 }, 'json')).toBe('{\n  "a": 2,\n  "b": 1\n}\n')
  })
})

describe('job summary', () => {
  it('lists every value with its source, secrets as ***, markup escaped', () => {
    const root = exampleWith({ 'services/catalog/config/staging.yml': 'banner: "<b>a | b</b>"\n' })
    const { config } = resolveIn(root, 'catalog', 'staging', {
      overrides: ['database_password=secret:DB_PW']
    })
    const summary = renderConfigSummary(config)
    expect(summary).toContain(
      '| <code>banner</code> | <code>&lt;b&gt;a &#124; b&lt;/b&gt;</code> | services/catalog/config/staging.yml:1 (service-env) |'
    )
    expect(summary).toContain(
      '| <code>database_password</code> | \\*\\*\\* (secret DB_PW) | overrides (override) |'
    )
    expect(summary).toContain(
      '| <code>log_level</code> | <code>info</code> | config/defaults.yml:1 (repo-defaults) |'
    )
    expect(summary).toContain('backend-1.staging.example.com (backend)')
  })
})

describe('diff between environments', () => {
  it('lists what differs, with each side and its source', () => {
    const root = exampleWith()
    const staging = resolveIn(root, 'catalog', 'staging').config
    const production = resolveIn(root, 'catalog', 'production').config
    const diff = diffConfigs(staging, production)
    expect(diff.map((d) => [d.key, d.kind])).toEqual([
      ['database_password', 'only-right'],
      ['database_url', 'only-right'],
      ['features.reviews', 'changed'],
      ['log_level', 'changed']
    ])
    expect(diff[2]).toEqual({
      key: 'features.reviews',
      kind: 'changed',
      left: { value: true, source: { file: 'config/staging.yml', line: 2, column: 12, layer: 'repo-env' } },
      right: {
        value: false,
        source: { file: 'config/defaults.yml', line: 4, column: 12, layer: 'repo-defaults' }
      }
    })
    expect(diffConfigs(staging, staging)).toEqual([])
  })
})

describe('hosts', () => {
  it("lists the service's targets from the environment's groups", () => {
    const root = exampleWith()
    expect(resolveIn(root, 'orders', 'staging').config.hosts).toEqual([
      {
        group: 'backend',
        host: 'backend-1.staging.example.com',
        provider: 'ssh',
        credentials: 'STAGING_SSH_KEY'
      },
      {
        group: 'backend',
        host: 'backend-2.staging.example.com',
        provider: 'ssh',
        credentials: 'STAGING_SSH_KEY'
      }
    ])
    expect(resolveIn(root, 'web', 'local').config.hosts).toEqual([
      { group: 'shop', host: 'shop', provider: 'local' }
    ])
  })

  it('carries a group’s own credentials name and platform target', () => {
    const root = exampleWith()
    const manifest = `${root}/shipline.yml`
    const text = readFileSync(manifest, 'utf8').replace(
      '      - name: web\n        services: [web]\n        hosts: [web-1.prod.example.com, web-2.prod.example.com]',
      '      - name: web\n        services: [web]\n        count: 2\n        target: cluster-eu\n        credentials: WEB_DEPLOY_KEY'
    )
    writeFileSync(manifest, text)
    expect(resolveIn(root, 'web', 'production').config.hosts).toEqual([
      { group: 'web', host: 'web-1', provider: 'ssh', credentials: 'WEB_DEPLOY_KEY', target: 'cluster-eu' },
      { group: 'web', host: 'web-2', provider: 'ssh', credentials: 'WEB_DEPLOY_KEY', target: 'cluster-eu' }
    ])
  })
})
