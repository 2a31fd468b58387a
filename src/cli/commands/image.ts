import path from 'node:path'
import { ConfigError } from '../../core/errors.js'
import { findService, loadManifest } from '../../core/manifest/load-manifest.js'
import { buildServiceImage } from '../../core/artifacts/oci/service-image.js'
import { imageSummaryLine, pushServiceImage } from '../../core/artifacts/registry/push-service-image.js'
import { registryCredentialsFromEnv } from '../../core/artifacts/registry/registry-credentials.js'
import { stageTree } from '../../core/artifacts/stage-tree.js'
import { Git } from '../../platform/git.js'
import type { Command } from '../command.js'
import { booleanParam, printJson, stringParam } from '../command.js'

/**
 * `shipline image`: writes a service's OCI image (custom base + one service layer) to a layout
 * folder and, with push=true, pushes it to the registry without a Docker daemon.
 */
export const imageCommand: Command = {
  name: 'image',
  summary: 'build a service OCI image on its custom base and optionally push it to a registry',
  examples: [
    'shipline image artifact=catalog version=1.2.3',
    'shipline image artifact=catalog version=1.2.3 push=true registry=127.0.0.1:5000/shop --json'
  ],
  params: [
    {
      name: 'artifact',
      kind: 'string',
      aliases: ['service'],
      description: 'the service whose image to build (its build output must exist)',
      required: true,
      placeholder: 'service'
    },
    { name: 'version', kind: 'string', description: 'image version (tag)', required: true },
    {
      name: 'out',
      kind: 'string',
      description: 'folder for image layouts',
      default: '.shipline/images',
      placeholder: 'dir'
    },
    {
      name: 'cache',
      kind: 'string',
      description: 'folder where custom bases are kept and reused',
      default: '.shipline/cache/images',
      placeholder: 'dir'
    },
    { name: 'push', kind: 'boolean', description: 'push the image to the registry' },
    {
      name: 'registry',
      kind: 'string',
      description: 'registry and owner, e.g. ghcr.io/acme (default: images.registry)',
      placeholder: 'ref'
    },
    { name: 'commit', kind: 'string', description: 'source commit for the revision label (default: HEAD)' },
    {
      name: 'source-date-epoch',
      kind: 'string',
      description:
        'timestamp for every file and the image (default: SOURCE_DATE_EPOCH, else the commit time)',
      placeholder: 'seconds'
    }
  ],
  async run(context) {
    const manifest = loadManifest(context.repo)
    const service = findService(manifest, stringParam(context, 'artifact') ?? '')
    const version = stringParam(context, 'version') ?? ''
    const git = new Git(context.exec, manifest.root)
    const commit = stringParam(context, 'commit') ?? (await git.revParse('HEAD'))
    const epochText = stringParam(context, 'source-date-epoch') ?? context.env.SOURCE_DATE_EPOCH
    const sourceDateEpoch = epochText !== undefined ? parseEpoch(epochText) : await git.commitTime(commit)
    const outputDir = path.join(manifest.root, service.path, service.build.output)
    const tree = await stageTree({
      sourceDir: outputDir,
      displayDir: path.posix.join(service.path, service.build.output),
      installDir: service.artifacts.installDir,
      mtime: sourceDateEpoch,
      exclude: service.build.exclude,
      location: { file: service.origin.file }
    })
    const registry = stringParam(context, 'registry')
    const image = await buildServiceImage({
      manifest,
      service,
      tree,
      version,
      sourceDateEpoch,
      commit,
      layoutDir: path.resolve(context.repo, stringParam(context, 'out') ?? '.shipline/images', service.name),
      cacheDir: path.resolve(context.repo, stringParam(context, 'cache') ?? '.shipline/cache/images'),
      ...(registry ? { registry } : {}),
      ...(context.env.GITHUB_REPOSITORY
        ? {
            sourceUrl: `${context.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${context.env.GITHUB_REPOSITORY}`
          }
        : {}),
      logger: context.logger
    })
    const built = {
      service: image.service,
      version: image.version,
      layoutDir: image.layoutDir,
      digest: image.digest,
      config: image.config,
      layer: image.layer,
      ...(image.base
        ? { base: { name: image.base.name, digest: image.base.digest, reused: image.base.reused } }
        : {}),
      references: image.references
    }
    if (!booleanParam(context, 'push')) {
      if (context.json) printJson(context, built)
      else context.terminal.line(`${service.name}: ${image.layoutDir} (${image.digest}), not pushed`)
      return 0
    }
    if (!image.references.length) {
      throw new ConfigError(
        'no registry to push to',
        { file: manifest.file, keyPath: 'images.registry' },
        'set images.registry in shipline.yml or pass registry=ghcr.io/<owner>'
      )
    }
    const credentials = registryCredentialsFromEnv(image.references[0] ?? '', context.env)
    const pushed = await pushServiceImage({
      image,
      ...(credentials ? { credentials } : {}),
      logger: context.logger,
      signal: context.signal
    })
    if (context.json) printJson(context, { ...built, pushed })
    else context.terminal.line(imageSummaryLine(service.name, pushed))
    return 0
  }
}

function parseEpoch(text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new ConfigError(
      `source date epoch '${text}' is not a whole number of seconds`,
      {},
      'pass source-date-epoch=<seconds since 1970> or set SOURCE_DATE_EPOCH'
    )
  }
  return Number(text.trim())
}
