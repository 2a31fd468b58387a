/**
 * The small files every package carries besides the service's own tree: the copyright file and
 * compressed changelog Debian policy (and lintian) expect, a lintian override for installing
 * under /opt on purpose, and the optional systemd unit generated from the `run:` section.
 * All of them derive from the metadata and SOURCE_DATE_EPOCH only, so they are reproducible.
 */
import type { RunSpec } from '../manifest/types.js'
import { gzipBuffer } from './gzip.js'
import type { TreeEntry } from './model.js'
import type { PackageMetadata } from './package-metadata.js'

export const SYSTEMD_UNIT_DIR = 'lib/systemd/system'

/** `Tue, 14 Nov 2023 22:13:20 +0000`: the date form of Debian changelogs. */
export function changelogDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toUTCString().replace('GMT', '+0000')
}

export function copyrightText(meta: PackageMetadata): string {
  return [
    `${meta.name}`,
    '',
    `Copyright: ${new Date(meta.sourceDateEpoch * 1000).getUTCFullYear()} ${meta.maintainer}`,
    `License: ${meta.license}`,
    '',
    `Packaged by shipline from commit ${meta.commit}.`,
    ''
  ].join('\n')
}

/** A native Debian changelog with one entry for this build. */
export function changelogText(meta: PackageMetadata): string {
  return [
    `${meta.name} (${meta.versions.deb}) unstable; urgency=medium`,
    '',
    `  * Build ${meta.versions.version} from commit ${meta.commit.slice(0, 12)}.`,
    '',
    ` -- ${meta.maintainer}  ${changelogDate(meta.sourceDateEpoch)}`,
    ''
  ].join('\n')
}

/** Tags raised only because a service installs where services belong but Debian packages don't. */
function lintianOverrides(meta: PackageMetadata, installDir: string): string | undefined {
  const tags: string[] = []
  if (installDir === '/opt' || installDir.startsWith('/opt/')) tags.push('dir-or-file-in-opt')
  if (installDir === '/srv' || installDir.startsWith('/srv/')) tags.push('dir-or-file-in-srv')
  if (installDir.startsWith('/usr/local/')) tags.push('dir-in-usr-local', 'file-in-usr-local')
  const lines = tags.map((t) => `${meta.name}: ${t}`)
  if (lines.length)
    lines.unshift(
      `# ${meta.name} is a service installed under ${installDir} on purpose (shipline install_dir).`
    )
  if (meta.conffiles.some((c) => !c.startsWith('/etc/'))) {
    lines.push(
      `# ${meta.name} keeps its configuration in its own folder and declared it as conffiles (artifacts.conffiles).`,
      `${meta.name}: non-etc-file-marked-as-conffile`
    )
  }
  return lines.length ? [...lines, ''].join('\n') : undefined
}

/** Quotes one argv element for a systemd Exec line (C-style escapes, `%` and `$` doubled). */
export function systemdQuote(arg: string): string {
  const escaped = arg
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/%/g, '%%')
    .replace(/\$/g, '$$$$')
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : `"${escaped}"`
}

export function systemdUnitText(meta: PackageMetadata, run: RunSpec, installDir: string): string {
  const env: Record<string, string> = {
    ...run.env,
    ...(run.port !== undefined ? { PORT: String(run.port) } : {})
  }
  const envLines = Object.keys(env)
    .sort()
    .map((k) => `Environment=${systemdQuote(`${k}=${env[k] ?? ''}`)}`)
  return [
    '[Unit]',
    `Description=${meta.summary.replace(/%/g, '%%')}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${installDir}`,
    `ExecStart=${run.command.map(systemdQuote).join(' ')}`,
    ...envLines,
    'DynamicUser=yes',
    'Restart=on-failure',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    ''
  ].join('\n')
}

function generated(path: string, text: string | Buffer): TreeEntry {
  const content = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
  return { path, type: 'file', mode: 0o644, size: content.length, content }
}

/** The extra entries both packages (and the .tar.gz) carry, to pass to `stageTree({ extra })`. */
export function packageDocEntries(meta: PackageMetadata, installDir: string, run?: RunSpec): TreeEntry[] {
  const doc = `usr/share/doc/${meta.name}`
  const entries = [
    generated(`${doc}/copyright`, copyrightText(meta)),
    generated(`${doc}/changelog.gz`, gzipBuffer(Buffer.from(changelogText(meta)), { level: 9 }))
  ]
  const overrides = lintianOverrides(meta, installDir)
  if (overrides) entries.push(generated(`usr/share/lintian/overrides/${meta.name}`, overrides))
  if (run)
    entries.push(
      generated(`${SYSTEMD_UNIT_DIR}/${meta.name}.service`, systemdUnitText(meta, run, installDir))
    )
  return entries
}
