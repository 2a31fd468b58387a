/**
 * What a build reports: step outputs (flat strings), the job summary table, the CLI's text.
 * Pure functions of the build record, so the action, the CLI and the tests agree.
 */
import path from 'node:path'
import { canonicalJson } from '../canonical-json.js'
import type { BuildRecord, PackageFormat } from './model.js'

export function buildOutputs(
  record: BuildRecord,
  recordPath: string,
  cacheHit: boolean
): Record<string, string> {
  const outputs: Record<string, string> = {
    version: record.version,
    'cache-hit': String(cacheHit),
    record: recordPath,
    'artifacts-dir': path.dirname(recordPath),
    artifacts: canonicalJson(
      record.files.map((f) => ({ format: f.format, path: f.path, sha256: f.sha256, size: f.size }))
    )
  }
  for (const file of record.files) {
    if (file.format === 'oci') continue
    outputs[file.format] = file.path
    outputs[`${file.format}-sha256`] = file.sha256
    outputs[`${file.format}-size`] = String(file.size)
  }
  if (record.image) {
    outputs.image = record.image.reference
    outputs['image-digest'] = record.image.digest
  }
  return outputs
}

const FORMAT_LABEL: Record<PackageFormat, string> = {
  deb: '.deb',
  rpm: '.rpm',
  tgz: '.tar.gz',
  oci: 'OCI image'
}

function escapeCell(text: string): string {
  return text.replace(/[|<>&`]/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A markdown job summary: one row per artifact. */
export function renderBuildSummary(record: BuildRecord, cacheHit: boolean): string {
  const how = cacheHit ? 'restored from the cache (unchanged service, build skipped)' : 'built'
  const rows = record.files.map(
    (f) =>
      `| ${FORMAT_LABEL[f.format]} | ${escapeCell(path.basename(f.path))} | ${f.size} | \`${f.sha256}\` |`
  )
  return [
    `### ${escapeCell(record.service)} ${escapeCell(record.version)}`,
    '',
    `Artifacts ${how}, from commit \`${record.commit.slice(0, 12)}\`, SOURCE_DATE_EPOCH ${record.sourceDateEpoch}.`,
    '',
    '| format | file | bytes | sha256 |',
    '| --- | --- | ---: | --- |',
    ...rows,
    ''
  ].join('\n')
}
