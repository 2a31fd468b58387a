import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { debianToRpmDependency } from '../../../src/core/artifacts/package-metadata.js'
import { defaultVersion, packageVersions } from '../../../src/core/artifacts/versions.js'
import { ConfigError } from '../../../src/core/errors.js'

/** dpkg's own comparison: true when a < b. */
function dpkgLess(a: string, b: string): boolean {
  try {
    execFileSync('dpkg', ['--compare-versions', a, 'lt', b])
    return true
  } catch {
    return false
  }
}

describe('package versions', () => {
  it.each([
    ['1.2.3', '1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3', '1.2.3'],
    ['1.2.3-rc.1', '1.2.3~rc.1', '1.2.3~rc.1'],
    ['b456', '0+b456', '0+b456'],
    ['1.0.0+b456.g3f2a1bc', '1.0.0+b456.g3f2a1bc', '1.0.0+b456.g3f2a1bc']
  ])('%s -> deb %s, rpm %s-1', (input, deb, rpm) => {
    expect(packageVersions(input)).toEqual({ version: input, deb, rpmVersion: rpm, rpmRelease: '1' })
  })

  it('sorts as people expect under dpkg: pre-release first, build numbers numerically', () => {
    const deb = (v: string) => packageVersions(v).deb
    expect(dpkgLess(deb('1.2.3-rc.1'), deb('1.2.3'))).toBe(true)
    expect(dpkgLess(deb('b999'), deb('b1000'))).toBe(true)
    expect(dpkgLess(deb('1.0.0+b9.gaaaaaaa'), deb('1.0.0+b10.g0000000'))).toBe(true)
  })

  it.each(['', '-1', '1 2', '1/2', 'a'.repeat(129), '1.2;rm', '1.2\n3'])('refuses %j', (bad) => {
    expect(() => packageVersions(bad)).toThrow(ConfigError)
  })

  it('builds the default from the service version, the run and the commit', () => {
    const commit = '3f2a1bc9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f'
    expect(defaultVersion({ serviceVersion: '1.0.0', runNumber: 456, commit })).toBe('1.0.0+b456.g3f2a1bc')
    expect(defaultVersion({ serviceVersion: 'v2.1.0', commit })).toBe('2.1.0+local.g3f2a1bc')
  })

  it('turns Debian dependencies into RPM requirements', () => {
    expect(debianToRpmDependency('nodejs (>= 18)')).toBe('nodejs >= 18')
    expect(debianToRpmDependency('libc6 (<< 3)')).toBe('libc6 < 3')
    expect(debianToRpmDependency('curl | wget')).toBe('(curl or wget)')
  })
})
