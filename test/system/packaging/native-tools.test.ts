/**
 * The packages shipline writes, checked by the real tools: dpkg-deb, lintian, dpkg, rpm, tar.
 * These tools must be installed (.ci/run installs dpkg-dev, lintian and rpm): a missing tool
 * fails the test.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { BuildServiceResult } from '../../../src/core/artifacts/build-service.js'
import { build, singleServiceRepo, tempDir } from '../../unit/artifacts/build-fixture.js'

const SERVICE_YML = `name: api
description: |
  Inventory API of the example shop
  Answers stock queries over HTTP.
version: 2.4.0
maintainer: Shop Team <team@example.com>
homepage: https://example.com/api
license: MIT
build:
  command: [node, build.mjs]
  output: dist
artifacts:
  formats: [deb, rpm, tgz]
  depends: ["nodejs (>= 18)", "curl | wget"]
  conffiles: [/etc/api/api.conf]
  install_dir: /opt/api
  scripts:
    postinst: scripts/postinst
run:
  command: [node, server.mjs]
  port: 8090
`

const BUILD_MJS = `import crypto from 'node:crypto'
import fs from 'node:fs'
fs.rmSync('dist', { recursive: true, force: true })
fs.mkdirSync('dist/lib/${'deep/'.repeat(25)}', { recursive: true })
fs.writeFileSync('dist/server.mjs', 'console.log("api")\\n')
fs.writeFileSync('dist/lib/${'deep/'.repeat(25)}module-with-a-long-name.mjs', 'export {}\\n')
fs.writeFileSync('dist/run.sh', '#!/bin/sh\\necho run\\n', { mode: 0o755 })
fs.symlinkSync('server.mjs', 'dist/main.mjs')
// Content the archive writers read in several pieces (over 1 MiB), and a file with none.
fs.mkdirSync('dist/assets')
fs.writeFileSync('dist/assets/bundle.bin', crypto.randomBytes(2.5 * 1024 * 1024 + 7))
fs.writeFileSync('dist/assets/empty.txt', '')
`

function run(argv: string[], options: { ok?: boolean } = {}): { code: number; out: string } {
  const [program, ...args] = argv as [string, ...string[]]
  const result = spawnSync(program, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } })
  if (result.error)
    throw new Error(`${program} is required for the packaging system tests: ${result.error.message}`)
  const out = `${result.stdout}${result.stderr}`
  if (options.ok !== false && result.status !== 0)
    throw new Error(`${argv.join(' ')} failed (${result.status}):\n${out}`)
  return { code: result.status ?? 1, out }
}

/** `./opt/api/x` -> `/opt/api/x`; folders without their trailing slash; the root dropped. */
function normalise(names: string[]): string[] {
  return names
    .map((n) => n.replace(/^\.\//, '/').replace(/\/$/, ''))
    .filter((n) => n !== '' && n !== '.')
    .sort()
}

let result: BuildServiceResult
const file = (format: string): string => result.record.files.find((f) => f.format === format)?.path as string

beforeAll(async () => {
  const repo = singleServiceRepo(SERVICE_YML, {
    'build.mjs': BUILD_MJS,
    'scripts/postinst': '#!/bin/sh\nset -e\nmkdir -p "$DPKG_ROOT/var/lib/api"\necho "api installed"\n'
  })
  // A conffile must be a file of the package: the service ships its default config under /etc.
  const built = await build(repo, { service: 'api', version: '2.4.0-rc.1' }).catch((e: unknown) => e)
  expect(String(built)).toMatch(/conffile \/etc\/api\/api.conf is not a file of the package/)
  repo.write(
    'services/api/service.yml',
    SERVICE_YML.replace('  conffiles: [/etc/api/api.conf]\n', '  conffiles: [/opt/api/api.conf]\n')
  )
  repo.write('services/api/build.mjs', BUILD_MJS + "fs.writeFileSync('dist/api.conf', 'port=8090\\n')\n")
  repo.commit('ship the config file')
  result = (await build(repo, { service: 'api', version: '2.4.0-rc.1' })).result
}, 60_000)

describe('.deb', () => {
  it('is read by dpkg-deb --info with the fields the service declares', () => {
    const info = run(['dpkg-deb', '--info', file('deb')]).out
    for (const line of [
      'Package: api',
      'Version: 2.4.0~rc.1',
      'Architecture: all',
      'Maintainer: Shop Team <team@example.com>',
      'Depends: nodejs (>= 18), curl | wget',
      'Homepage: https://example.com/api',
      'Description: Inventory API of the example shop',
      '  Answers stock queries over HTTP.'
    ]) {
      expect(info).toContain(line)
    }
    expect(info).toMatch(/postinst/)
    expect(run(['dpkg-deb', '--field', file('deb'), 'Installed-Size']).out.trim()).toMatch(/^[0-9]+$/)
  })

  it('lists the same files as the .tar.gz, owned by root, with the long path and the link', () => {
    const deb = run(['dpkg-deb', '--contents', file('deb')])
      .out.trim()
      .split('\n')
    expect(deb.every((l) => l.includes(' root/root '))).toBe(true)
    const debNames = deb.map((l) => l.replace(/^.* \d\d:\d\d /, '').replace(/ -> .*$/, ''))
    const tgzNames = run(['tar', '-tzf', file('tgz')])
      .out.trim()
      .split('\n')
    expect(normalise(debNames)).toEqual(normalise(tgzNames))
    expect(normalise(debNames)).toContain(`/opt/api/lib/${'deep/'.repeat(25)}module-with-a-long-name.mjs`)
    expect(deb.find((l) => l.includes('./opt/api/main.mjs'))).toMatch(/^lrwxrwxrwx .* -> server\.mjs$/)
    expect(deb.find((l) => l.endsWith('./opt/api/run.sh'))).toMatch(/^-rwxr-xr-x /)
    expect(deb.find((l) => l.endsWith('./lib/systemd/system/api.service'))).toBeDefined()
  })

  it('passes lintian without errors; the warnings left are the ones explained here', () => {
    const { out } = run(['lintian', '--show-overrides', '--no-tag-display-limit', file('deb')], { ok: false })
    const tags = out
      .split('\n')
      .filter((l) => /^[EW]: /.test(l))
      .map((l) => l.replace(/ \[.*\]$/, ''))
    // No E: or W: line is left (with overrides shown, lintian exits 2 for the overridden error tags,
    // so the lines are the check). Nothing is left: the tags a service package raises by design (files under /opt, a conffile
    // in the service's own folder) are overridden in /usr/share/lintian/overrides/api, with the reason.
    expect(tags).toEqual([])
    expect(out).toMatch(/^O: api: dir-or-file-in-opt/m)
    expect(out).toMatch(/^O: api: non-etc-file-marked-as-conffile/m)
  })

  it('installs into a temporary root with dpkg, running its postinst', () => {
    const root = tempDir('shipline-dpkg-root-')
    mkdirSync(path.join(root, 'var/lib/dpkg/updates'), { recursive: true })
    mkdirSync(path.join(root, 'var/lib/dpkg/info'), { recursive: true })
    writeFileSync(path.join(root, 'var/lib/dpkg/status'), '')
    const install = run([
      'dpkg',
      '--root',
      root,
      '--force-not-root',
      '--force-script-chrootless',
      '--force-depends',
      '--log=/dev/null',
      '-i',
      file('deb')
    ]).out
    expect(install).toContain('api installed')
    expect(statSync(path.join(root, 'var/lib/api')).isDirectory()).toBe(true)
    expect(readFileSync(path.join(root, 'opt/api/server.mjs'), 'utf8')).toBe('console.log("api")\n')
    expect(readlinkSync(path.join(root, 'opt/api/main.mjs'))).toBe('server.mjs')
    expect(statSync(path.join(root, 'opt/api/run.sh')).mode & 0o777).toBe(0o755)
    const unit = readFileSync(path.join(root, 'lib/systemd/system/api.service'), 'utf8')
    expect(unit).toContain('WorkingDirectory=/opt/api')
    expect(unit).toContain('ExecStart=node server.mjs')
    expect(unit).toContain('Environment=PORT=8090')
    expect(run(['dpkg', '--root', root, '-s', 'api']).out).toMatch(/Status: install ok installed/)
    // dpkg checks every installed file against the package's md5sums: nothing differs.
    expect(run(['dpkg', '--root', root, '--verify', 'api']).out).toBe('')
    expect(statSync(path.join(root, 'opt/api/assets/bundle.bin')).size).toBe(2.5 * 1024 * 1024 + 7)
    expect(readFileSync(path.join(root, 'var/lib/dpkg/info/api.conffiles'), 'utf8')).toBe(
      '/opt/api/api.conf\n'
    )
  })
})

describe('.rpm', () => {
  it('shows its metadata with rpm -qip and its scripts and dependencies', () => {
    const info = run(['rpm', '-qip', file('rpm')]).out
    for (const pattern of [
      /Name\s+: api/,
      /Version\s+: 2\.4\.0~rc\.1/,
      /Release\s+: 1/,
      /Architecture: noarch/,
      /License\s+: MIT/,
      /URL\s+: https:\/\/example\.com\/api/,
      /Summary\s+: Inventory API of the example shop/,
      /Source RPM\s+: api-2\.4\.0~rc\.1-1\.src\.rpm/
    ]) {
      expect(info).toMatch(pattern)
    }
    const requires = run(['rpm', '-qp', '--requires', file('rpm')]).out
    expect(requires).toContain('nodejs >= 18')
    expect(requires).toContain('(curl or wget)')
    expect(run(['rpm', '-qp', '--scripts', file('rpm')]).out).toContain('echo "api installed"')
    expect(run(['rpm', '-qp', '--configfiles', file('rpm')]).out.trim()).toBe('/opt/api/api.conf')
  })

  it('verifies its header and payload digests with rpm -K', () => {
    const out = run(['rpm', '-Kv', file('rpm')]).out
    expect(out).toMatch(/Header SHA256 digest: OK/)
    expect(out).toMatch(/Payload SHA256 digest: OK/)
    expect(out).not.toMatch(/BAD|NOT OK/)
  })

  it('installs into a temporary root with its own database and verifies clean', () => {
    const root = tempDir('shipline-rpm-root-')
    const db = ['--root', root, '--dbpath', '/var/lib/rpm']
    run(['rpm', ...db, '--initdb'])
    // No /bin/sh inside the empty root, so scriptlets cannot run there; their content is checked above.
    run(['rpm', ...db, '-i', '--nodeps', '--noscripts', file('rpm')])
    expect(readFileSync(path.join(root, 'opt/api/server.mjs'), 'utf8')).toBe('console.log("api")\n')
    expect(readlinkSync(path.join(root, 'opt/api/main.mjs'))).toBe('server.mjs')
    expect(run(['rpm', ...db, '-q', 'api']).out.trim()).toBe('api-2.4.0~rc.1-1.noarch')
    expect(run(['rpm', ...db, '-V', '--nodeps', 'api']).out.trim()).toBe('')
    const owned = normalise(
      run(['rpm', ...db, '-ql', 'api'])
        .out.trim()
        .split('\n')
    )
    expect(owned).toContain('/opt/api')
    expect(owned).not.toContain('/opt')
    expect(owned).not.toContain('/usr')
  })
})

describe('.tar.gz', () => {
  it('extracts with tar to the same tree the .deb installs', () => {
    const dir = tempDir('shipline-tgz-x-')
    execFileSync('tar', ['-xzf', file('tgz'), '-C', dir])
    expect(readFileSync(path.join(dir, 'opt/api/api.conf'), 'utf8')).toBe('port=8090\n')
    expect(readlinkSync(path.join(dir, 'opt/api/main.mjs'))).toBe('server.mjs')
  })
})
