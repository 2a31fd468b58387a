/**
 * `<artifacts-dir>/<service>/<version>/artifact.json`: the record deploy reads to turn a version
 * into files. Written last and atomically, so a record only exists for a complete build.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomically } from './atomic-file.js'
import { BUILD_RECORD_FILE, type BuildRecord } from './model.js'
import { canonicalJson } from '../canonical-json.js'

export function versionDir(artifactsDir: string, service: string, version: string): string {
  return path.join(artifactsDir, service, version)
}

export async function writeBuildRecord(dir: string, record: BuildRecord): Promise<string> {
  const file = path.join(dir, BUILD_RECORD_FILE)
  await writeFileAtomically(file, (partial) => writeFile(partial, `${canonicalJson(record)}\n`))
  return file
}

export async function readBuildRecord(file: string): Promise<BuildRecord> {
  return JSON.parse(await readFile(file, 'utf8')) as BuildRecord
}

/** The record under `<artifactsDir>/<service>/*` built with `contentKey`, if any. */
export async function findRecordByKey(
  serviceDir: string,
  contentKey: string
): Promise<{ dir: string; record: BuildRecord } | undefined> {
  let versions: string[]
  try {
    versions = (await readdir(serviceDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  } catch {
    return undefined
  }
  for (const version of versions.sort()) {
    const dir = path.join(serviceDir, version)
    try {
      const record = await readBuildRecord(path.join(dir, BUILD_RECORD_FILE))
      if (record.contentKey === contentKey) return { dir, record }
    } catch {
      // not a build folder
    }
  }
  return undefined
}

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk)
  return hash.digest('hex')
}

/**
 * Points a restored record at the folder it now lives in and proves every file is the one
 * recorded (a cache entry from another machine, or a tampered one, must not be deployed).
 * Returns the files that do not match.
 */
export async function relocateAndVerify(
  dir: string,
  record: BuildRecord
): Promise<{ record: BuildRecord; bad: string[] }> {
  const bad: string[] = []
  const files = []
  for (const file of record.files) {
    const local = path.join(dir, path.basename(file.path))
    if (file.format !== 'oci') {
      try {
        if ((await fileSha256(local)) !== file.sha256) bad.push(local)
      } catch {
        bad.push(local)
      }
    }
    files.push({ ...file, path: local })
  }
  return { record: { ...record, files }, bad }
}
