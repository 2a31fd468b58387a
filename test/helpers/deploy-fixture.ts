/**
 * A small repository to deploy from, for deploy tests: shipline.yml with a `local` environment (and
 * whatever else a test adds), services whose server answers /health, and builds written the way the
 * build stage writes them: `<artifacts>/<service>/<version>/artifact.json` next to a .tar.gz holding
 * `opt/<service>/...`.
 *
 * The fixture server fails its health check on a host when the file `fail-health` exists in that
 * host's service folder (two levels above the release it runs from), so a test can make exactly one
 * host of several unhealthy.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { BuildRecord } from '../../src/core/artifacts/model.js'

export const SERVER = `import { createServer } from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
const version = readFileSync(new URL('./VERSION', import.meta.url), 'utf8').trim()
const server = createServer((req, res) => {
  if (req.url === '/health') {
    if (existsSync('../../fail-health')) { res.writeHead(500); return res.end('unhealthy') }
    res.writeHead(200, { 'content-type': 'application/json' })
    return res.end(JSON.stringify({ status: 'ok', version, port: process.env.PORT }))
  }
  res.writeHead(404)
  res.end()
})
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => server.close(() => process.exit(0)))
`

export interface FixtureOptions {
  services?: string[]
  /** Extra YAML appended under `environments:` (each item starting with "  - name: ..."). */
  environments?: string
  /** Hosts of the local environment. */
  localHosts?: number
  maxParallel?: number
  /** First service port; each service gets its own block of 100. */
  basePort?: number
  lockTimeout?: string
  keepReleases?: number
}

export interface DeployFixture {
  repo: string
  artifacts: string
  hostsRoot: string
  ports: Record<string, number>
  /** Writes a build of `service` at `version` and returns its record. */
  build(service: string, version: string, options?: { epoch?: number; broken?: boolean }): BuildRecord
  cleanup(): void
}

/** A port block unlikely to collide with another test file running at the same time. */
export function randomBasePort(): number {
  return 20000 + Math.floor(Math.random() * 350) * 100
}

export function createDeployFixture(options: FixtureOptions = {}): DeployFixture {
  const repo = mkdtempSync(path.join(tmpdir(), 'shipline-deploy-'))
  const artifacts = path.join(repo, '.shipline', 'artifacts')
  const services = options.services ?? ['catalog']
  const basePort = options.basePort ?? randomBasePort()
  const ports: Record<string, number> = {}
  const hosts = options.localHosts ?? 1
  writeFileSync(
    path.join(repo, 'shipline.yml'),
    [
      'version: 1',
      'discover: [services/*]',
      'environments:',
      '  - name: local',
      '    provider: local',
      `    lock_timeout: ${options.lockTimeout ?? '2s'}`,
      '    rollout:',
      `      max_parallel: ${options.maxParallel ?? 1}`,
      `      keep_releases: ${options.keepReleases ?? 3}`,
      '    groups:',
      `      - { name: shop, services: ["*"], count: ${hosts} }`,
      options.environments ?? '',
      ''
    ].join('\n')
  )
  services.forEach((name, i) => {
    const port = basePort + i * 100
    ports[name] = port
    const dir = path.join(repo, 'services', name)
    mkdirSync(path.join(dir, 'dist'), { recursive: true })
    writeFileSync(
      path.join(dir, 'service.yml'),
      [
        `name: ${name}`,
        'version: 1.0.0',
        'build:',
        '  output: dist',
        'artifacts:',
        '  formats: [tgz]',
        'run:',
        '  command: [node, server.mjs]',
        `  port: ${port}`,
        '  health: { path: /health, timeout: 1s, interval: 50ms, retries: 40 }',
        ''
      ].join('\n')
    )
    writeFileSync(path.join(dir, 'dist', 'server.mjs'), SERVER)
    writeFileSync(path.join(dir, 'dist', 'VERSION'), 'local\n')
  })

  const build = (
    service: string,
    version: string,
    buildOptions: { epoch?: number; broken?: boolean } = {}
  ) => {
    const out = path.join(artifacts, service, version)
    const stage = mkdtempSync(path.join(tmpdir(), 'shipline-stage-'))
    const tree = path.join(stage, 'opt', service)
    mkdirSync(tree, { recursive: true })
    writeFileSync(path.join(tree, 'server.mjs'), buildOptions.broken ? 'process.exit(3)\n' : SERVER)
    writeFileSync(path.join(tree, 'VERSION'), `${version}\n`)
    mkdirSync(out, { recursive: true })
    const archive = path.join(out, `${service}_${version}.tar.gz`)
    execFileSync('tar', [
      '-czf',
      archive,
      '-C',
      stage,
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--mtime=@0',
      './opt'
    ])
    rmSync(stage, { recursive: true, force: true })
    const bytes = readFileSync(archive)
    const record: BuildRecord = {
      service,
      version,
      commit: 'a'.repeat(40),
      sourceDateEpoch: buildOptions.epoch ?? 1700000000,
      contentKey: createHash('sha256').update(`${service}@${version}`).digest('hex'),
      files: [
        {
          format: 'tgz',
          path: archive,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          size: bytes.length
        }
      ]
    }
    writeFileSync(path.join(out, 'artifact.json'), `${JSON.stringify(record, null, 2)}\n`)
    return record
  }

  return {
    repo,
    artifacts,
    hostsRoot: path.join(repo, '.shipline', 'hosts'),
    ports,
    build,
    cleanup: () => rmSync(repo, { recursive: true, force: true })
  }
}
