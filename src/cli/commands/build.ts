import path from 'node:path'
import { buildService, type BuildProgress } from '../../core/artifacts/build-service.js'
import type { PackageFormat } from '../../core/artifacts/model.js'
import { sourceDateEpochFrom } from '../../core/artifacts/source-date-epoch.js'
import { ConfigError } from '../../core/errors.js'
import { loadManifest } from '../../core/manifest/load-manifest.js'
import { LocalFolderCache } from '../../platform/cache.js'
import { Git } from '../../platform/git.js'
import {
  booleanParam,
  listParam,
  printJson,
  stringParam,
  type Command,
  type CommandContext
} from '../command.js'
import type { Progress } from '../terminal.js'

const FORMATS: readonly PackageFormat[] = ['deb', 'rpm', 'tgz', 'oci']

export const buildCommand: Command = {
  name: 'build',
  summary: 'build a service once and package it as .deb, .rpm and .tar.gz (reproducibly, cached by content)',
  examples: [
    'shipline build artifact=catalog version=1.2.3',
    'shipline build artifact=catalog format=deb,rpm --json',
    'shipline build artifact=catalog --no-cache'
  ],
  params: [
    {
      name: 'artifact',
      kind: 'string',
      aliases: ['service'],
      description: 'the service to build',
      required: true,
      placeholder: 'service'
    },
    {
      name: 'version',
      kind: 'string',
      description: 'version to stamp (default: <service version>+local.g<commit>)'
    },
    {
      name: 'format',
      kind: 'list',
      description: "formats to write: deb, rpm, tgz (default: the service's artifacts.formats)",
      placeholder: 'list'
    },
    {
      name: 'out',
      kind: 'string',
      description: 'folder to write artifacts into (<out>/<service>/<version>/)',
      default: '.shipline/artifacts',
      placeholder: 'dir'
    },
    {
      name: 'cache-dir',
      kind: 'string',
      description: 'local artifact cache: an unchanged service is restored from here instead of rebuilt',
      default: '.shipline/cache/artifacts',
      placeholder: 'dir'
    },
    { name: 'no-cache', kind: 'boolean', description: 'always build; neither read nor write the cache' },
    {
      name: 'include-credentials',
      kind: 'boolean',
      description: 'package credential-looking files (.env, *.pem, id_rsa, .git/) instead of leaving them out'
    }
  ],
  async run(context) {
    const manifest = loadManifest(context.repo)
    const outDir = path.resolve(context.repo, stringParam(context, 'out') ?? '.shipline/artifacts')
    const cacheDir = path.resolve(
      context.repo,
      stringParam(context, 'cache-dir') ?? '.shipline/cache/artifacts'
    )
    const formats = checkedFormats(listParam(context, 'format'))
    const version = stringParam(context, 'version')
    const sourceDateEpoch = sourceDateEpochFrom(context.env.SOURCE_DATE_EPOCH)
    const progress = progressDisplay(context)
    const result = await buildService({
      manifest,
      service: stringParam(context, 'artifact') as string,
      outDir,
      git: new Git(context.exec, context.repo),
      exec: context.exec,
      logger: context.logger,
      ...(version !== undefined ? { version } : {}),
      ...(formats ? { formats } : {}),
      ...(booleanParam(context, 'no-cache') ? {} : { cache: new LocalFolderCache(cacheDir) }),
      ...(sourceDateEpoch !== undefined ? { sourceDateEpoch } : {}),
      includeCredentials: booleanParam(context, 'include-credentials'),
      onProgress: progress.update,
      signal: context.signal
    })
    progress.finish()
    const { record } = result
    if (context.json) {
      printJson(context, { ...record, cacheHit: result.cacheHit, record: result.recordPath })
      return 0
    }
    const t = context.terminal
    const how = result.cacheHit
      ? t.yellow('restored from cache (unchanged, build skipped)')
      : t.green('built')
    t.line(`${t.bold(record.service)} ${record.version} ${how}`)
    for (const file of record.files) {
      t.line(`  ${file.format.padEnd(4)} ${path.relative(process.cwd(), file.path) || file.path}`)
      t.line(t.dim(`       ${file.size} bytes  sha256:${file.sha256}`))
    }
    t.line(`artifacts in ${path.dirname(result.recordPath)}`)
    return 0
  }
}

function checkedFormats(list: string[] | undefined): PackageFormat[] | undefined {
  if (!list || list.length === 0) return undefined
  const unknown = list.filter((f) => !(FORMATS as readonly string[]).includes(f))
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown format ${unknown.join(', ')}`,
      { keyPath: 'format' },
      'use format=deb,rpm,tgz'
    )
  }
  return list as PackageFormat[]
}

/** One progress line per format while packaging; nothing with --json (stdout carries the JSON). */
function progressDisplay(context: CommandContext): {
  update: (p: BuildProgress) => void
  finish: () => void
} {
  let current: { format: string; bar: Progress; percent: number } | undefined
  const finish = (): void => {
    current?.bar.finish()
    current = undefined
  }
  return {
    update(p) {
      if (context.json) return
      if (current?.format !== p.format) {
        finish()
        current = { format: p.format, bar: context.terminal.progress(`packaging ${p.format}`), percent: -1 }
      }
      // Redraw only when the percentage moves: updates arrive once per chunk.
      const percent = p.total > 0 ? Math.floor((Math.min(p.bytes, p.total) / p.total) * 100) : 100
      if (percent === current.percent) return
      current.percent = percent
      current.bar.update(Math.min(p.bytes, p.total), p.total)
    },
    finish
  }
}
