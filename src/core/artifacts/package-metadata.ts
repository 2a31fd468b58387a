/**
 * What the .deb and the .rpm say about themselves, derived once from the service so both
 * packages carry the same metadata. Every value that lands in a control file or an RPM header is
 * checked here: a line break in a maintainer name must not become a forged control field.
 */
import { ConfigError, type SourceLocation } from '../errors.js'
import type { Service } from '../manifest/types.js'
import type { PackageVersions } from './versions.js'

export type ScriptName = 'preinst' | 'postinst' | 'prerm' | 'postrm'
export const SCRIPT_NAMES: readonly ScriptName[] = ['preinst', 'postinst', 'prerm', 'postrm']

export interface PackageMetadata {
  name: string
  versions: PackageVersions
  /** Debian architecture (`all`, `amd64`, `arm64`). */
  architecture: string
  maintainer: string
  /** First line: the synopsis; further lines: the extended description. */
  summary: string
  description: string
  homepage?: string
  license: string
  /** Debian `Depends` entries. */
  depends: string[]
  /** RPM `Requires` entries, `name [op version]` or a rich dependency in parentheses. */
  requires: string[]
  section: string
  priority: string
  /** Absolute folder the service tree is installed into (`/opt/catalog`). */
  installDir: string
  /** Absolute paths marked as configuration files. */
  conffiles: string[]
  /** Maintainer script contents (Debian names; mapped to %pre/%post/%preun/%postun for RPM). */
  scripts: Partial<Record<ScriptName, string>>
  /** The commit the package was built from (mentioned in the changelog). */
  commit: string
  sourceDateEpoch: number
  /** The service definition, for errors found while packaging (a conffile missing from the tree). */
  location: SourceLocation
}

const DEB_NAME = /^[a-z0-9][a-z0-9+.-]+$/
const DEPENDENCY = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?( \((<<|<=|=|>=|>>) [0-9A-Za-z.+~:-]+\))?$/
const CONTACT = /^[^<>\n]+ <[^<>\s@]+@[^<>\s]+>$/

export function checkPackageName(name: string, where: SourceLocation): string {
  if (!DEB_NAME.test(name) || name.length > 63) {
    throw new ConfigError(
      `"${name}" is not a valid package name`,
      where,
      'package names need at least 2 characters: lower-case letters, digits, "+", "-" and ".", starting with a letter or digit'
    )
  }
  return name
}

/** Single-line field values: no line breaks (they would start a new control field). */
function oneLine(value: string, key: string, where: SourceLocation): string {
  const trimmed = value.trim()
  if (trimmed === '' || /[\r\n]/.test(trimmed)) {
    throw new ConfigError(
      `${key} must be one non-empty line`,
      { ...where, keyPath: key },
      `write ${key} on one line`
    )
  }
  return trimmed
}

/** Each `Depends` entry: `name`, `name (>= 1.0)`, or alternatives `a | b (>= 2)`. */
function checkDepends(depends: string[], where: SourceLocation): string[] {
  return depends.map((entry) => {
    const alternatives = entry.split('|').map((a) => a.trim())
    if (!alternatives.every((a) => DEPENDENCY.test(a))) {
      throw new ConfigError(
        `dependency "${entry}" is not a Debian dependency`,
        { ...where, keyPath: 'artifacts.depends' },
        'write "name", "name (>= 1.2)" or "a | b"; operators are <<, <=, =, >=, >>'
      )
    }
    return alternatives.join(' | ')
  })
}

/** `nodejs (>= 18)` -> `nodejs >= 18`; `a | b` -> `(a or b)` (an rpm rich dependency). */
export function debianToRpmDependency(entry: string): string {
  const one = (a: string): string =>
    a.replace(/:[a-z0-9-]+/, '').replace(/ \((<<|<=|=|>=|>>) ([^)]+)\)$/, (_m, op: string, v: string) => {
      const rpmOp = op === '<<' ? '<' : op === '>>' ? '>' : op
      return ` ${rpmOp} ${v}`
    })
  const alternatives = entry.split('|').map((a) => one(a.trim()))
  return alternatives.length === 1 ? (alternatives[0] as string) : `(${alternatives.join(' or ')})`
}

export interface MetadataInput {
  service: Service
  versions: PackageVersions
  commit: string
  sourceDateEpoch: number
  /** Maintainer script contents, already read from the service folder. */
  scripts: Partial<Record<ScriptName, string>>
}

export function packageMetadata(input: MetadataInput): PackageMetadata {
  const { service } = input
  const where: SourceLocation = {
    file: service.origin.file,
    line: service.origin.line,
    column: service.origin.column
  }
  const name = checkPackageName(service.name, { ...where, keyPath: 'name' })
  const maintainer = oneLine(service.maintainer, 'maintainer', where)
  if (!CONTACT.test(maintainer)) {
    throw new ConfigError(
      `maintainer "${maintainer}" is not "Name <email>"`,
      { ...where, keyPath: 'maintainer' },
      'write the maintainer as "Team Name <team@example.com>"'
    )
  }
  const lines = service.description.trim().split(/\r?\n/)
  const summary = oneLine(lines[0] ?? '', 'description', where)
  const depends = checkDepends(service.artifacts.depends, where)
  const requires = service.artifacts.requires ?? depends.map(debianToRpmDependency)
  for (const conffile of service.artifacts.conffiles) {
    if (!conffile.startsWith('/') || /[\s]/.test(conffile) || conffile.split('/').includes('..')) {
      throw new ConfigError(
        `conffile "${conffile}" must be an absolute path without spaces or ".."`,
        { ...where, keyPath: 'artifacts.conffiles' },
        'list configuration files by their installed path, e.g. /etc/catalog/catalog.conf'
      )
    }
  }
  return {
    name,
    versions: input.versions,
    architecture: service.artifacts.architecture,
    maintainer,
    summary,
    description: lines.slice(1).join('\n').trim(),
    ...(service.homepage ? { homepage: oneLine(service.homepage, 'homepage', where) } : {}),
    license: oneLine(service.license, 'license', where),
    depends,
    requires,
    section: oneLine(service.artifacts.section, 'artifacts.section', where),
    priority: oneLine(service.artifacts.priority, 'artifacts.priority', where),
    installDir: service.artifacts.installDir,
    conffiles: [...service.artifacts.conffiles].sort(),
    scripts: input.scripts,
    commit: input.commit,
    sourceDateEpoch: input.sourceDateEpoch,
    location: where
  }
}

/** Debian architecture -> RPM architecture. */
export function rpmArchitecture(debian: string): string {
  return debian === 'amd64' ? 'x86_64' : debian === 'arm64' ? 'aarch64' : 'noarch'
}

/** The file names packages get: `catalog_1.2.3_all.deb`, `catalog-1.2.3-1.noarch.rpm`, `catalog-1.2.3.tar.gz`. */
export function artifactFileNames(meta: PackageMetadata): { deb: string; rpm: string; tgz: string } {
  const v = meta.versions
  return {
    deb: `${meta.name}_${v.deb}_${meta.architecture}.deb`,
    rpm: `${meta.name}-${v.rpmVersion}-${v.rpmRelease}.${rpmArchitecture(meta.architecture)}.rpm`,
    tgz: `${meta.name}-${v.version}.tar.gz`
  }
}
