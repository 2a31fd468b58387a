/**
 * Build versions: the one string a build is known by (`1.2.3`, `1.0.0+b456.g3f2a1bc`, `b456`),
 * and the forms Debian and RPM need, which sort the way people expect (a pre-release before its
 * release) and which dpkg and rpm accept.
 */
import { ConfigError, type SourceLocation } from '../errors.js'

export interface PackageVersions {
  /** The build version as given: the artifact folder name, the deploy `version=`. */
  version: string
  /** Debian `Version` (native: no revision). */
  deb: string
  /** RPM `Version` (no `-`). */
  rpmVersion: string
  /** RPM `Release` (never empty). */
  rpmRelease: string
}

const VERSION_SHAPE = /^[0-9A-Za-z][0-9A-Za-z.+~_-]*$/
const MAX_VERSION_LENGTH = 128

/**
 * Checks a build version and derives the package versions:
 * - a leading `v` before a digit is dropped (`v1.2.3` -> `1.2.3`);
 * - a semver pre-release (`1.2.3-rc.1`) becomes `1.2.3~rc.1`, which both dpkg and rpm sort
 *   before `1.2.3`; later `-` and `_` become `.`;
 * - a version that does not start with a digit (`b456`) is prefixed with `0+`, since dpkg wants
 *   a leading digit; digit runs still compare numerically (`0+b999` < `0+b1000`).
 */
export function packageVersions(
  version: string,
  where: SourceLocation = { keyPath: 'version' }
): PackageVersions {
  if (version.length > MAX_VERSION_LENGTH || !VERSION_SHAPE.test(version)) {
    throw new ConfigError(
      `version "${version}" cannot name a package`,
      where,
      'use letters, digits and . + ~ - _ (at most 128, starting with a letter or digit), e.g. 1.2.3 or 1.2.3-rc.1'
    )
  }
  let core = /^v[0-9]/.test(version) ? version.slice(1) : version
  const dash = core.indexOf('-')
  if (dash > 0) core = `${core.slice(0, dash)}~${core.slice(dash + 1)}`
  core = core.replace(/[-_]/g, '.')
  if (!/^[0-9]/.test(core)) core = `0+${core}`
  return { version, deb: core, rpmVersion: core, rpmRelease: '1' }
}

export interface DefaultVersionInput {
  /** The service's own version from service.yml. */
  serviceVersion: string
  /** The CI run number (GITHUB_RUN_NUMBER); absent for local builds. */
  runNumber?: number
  commit: string
}

/**
 * The version a build gets when none is given: `<service version>+b<run>.g<commit7>` in CI
 * (`1.0.0+b456.g3f2a1bc`, after the book's `b456`), `<service version>+local.g<commit7>` locally.
 * Later runs of one service version sort higher; the commit makes it traceable.
 */
export function defaultVersion(input: DefaultVersionInput): string {
  const build = input.runNumber !== undefined ? `b${input.runNumber}` : 'local'
  const base = input.serviceVersion.replace(/^v(?=[0-9])/, '')
  return `${base}+${build}.g${input.commit.slice(0, 7)}`
}
