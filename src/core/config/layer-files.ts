import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { ConfigError } from '../errors.js'
import { resolveInsideRepository } from '../manifest/path-safety.js'
import type { EnvironmentSpec, Manifest, Service } from '../manifest/types.js'
import { readYamlFile, type YamlFile } from '../manifest/yaml-file.js'
import { isConfigMap } from './config-keys.js'
import type { ConfigLayerName } from './model.js'

/** One configuration file in precedence order; `file` is null for a layer that has no file. */
export interface ConfigLayer {
  layer: ConfigLayerName
  /** Repository-relative path (or the expected path, when the file does not exist). */
  displayPath: string
  file: YamlFile | null
}

const DEFAULTS_FILE = 'defaults'
const EXTENSIONS = ['.yml', '.yaml']

/**
 * The four file layers, lowest precedence first: repository defaults, repository per-environment,
 * service defaults, service per-environment. A config folder that exists must hold a defaults file
 * (that is what makes the folder a config folder); an environment file is optional, and an empty
 * file is an empty layer. File names are matched without case, like environment names.
 */
export function readConfigLayers(manifest: Manifest, service: Service, env: EnvironmentSpec): ConfigLayer[] {
  const repoDir = manifest.config.dir
  const serviceDir = path.posix.join(service.path, service.config.dir)
  return [
    ...folderLayers(manifest, repoDir, env.name, 'repo-defaults', 'repo-env'),
    ...folderLayers(manifest, serviceDir, env.name, 'service-defaults', 'service-env')
  ]
}

function folderLayers(
  manifest: Manifest,
  dir: string,
  environment: string,
  defaultsLayer: ConfigLayerName,
  envLayer: ConfigLayerName
): ConfigLayer[] {
  const absolute = resolveInsideRepository(manifest.root, dir, { file: manifest.file }, 'config folder')
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    return [
      { layer: defaultsLayer, displayPath: `${dir}/${DEFAULTS_FILE}.yml`, file: null },
      { layer: envLayer, displayPath: `${dir}/${environment}.yml`, file: null }
    ]
  }
  const byStem = groupByStem(readdirSync(absolute), dir)
  const defaults = byStem.get(DEFAULTS_FILE)
  if (!defaults) {
    throw new ConfigError(
      `config folder ${dir} has no ${DEFAULTS_FILE}.yml`,
      { file: `${dir}/${DEFAULTS_FILE}.yml` },
      `create ${dir}/${DEFAULTS_FILE}.yml (it may be empty) with the values every environment shares`
    )
  }
  const envFile = byStem.get(environment)
  return [
    {
      layer: defaultsLayer,
      displayPath: `${dir}/${defaults}`,
      file: readLayer(manifest.root, `${dir}/${defaults}`)
    },
    {
      layer: envLayer,
      displayPath: `${dir}/${envFile ?? `${environment}.yml`}`,
      file: envFile ? readLayer(manifest.root, `${dir}/${envFile}`) : null
    }
  ]
}

/** Lower-cased stem -> file name, for `.yml`/`.yaml` files; two files for one stem are an error. */
function groupByStem(entries: string[], dir: string): Map<string, string> {
  const byStem = new Map<string, string>()
  for (const entry of entries.sort()) {
    const ext = EXTENSIONS.find((e) => entry.toLowerCase().endsWith(e))
    if (!ext) continue
    const stem = entry.slice(0, -ext.length).toLowerCase()
    const previous = byStem.get(stem)
    if (previous) {
      throw new ConfigError(
        `${dir} holds both ${previous} and ${entry}; they name the same layer (case does not matter)`,
        { file: `${dir}/${entry}` },
        'merge them into one file'
      )
    }
    byStem.set(stem, entry)
  }
  return byStem
}

function readLayer(root: string, relative: string): YamlFile {
  // A symbolic link must not pull a file from outside the repository (say /etc/passwd) into outputs.
  const absolute = resolveInsideRepository(root, relative, { file: relative }, 'config file')
  const file = readYamlFile(absolute, relative, { allowEmpty: true })
  if (file.value !== null && !isConfigMap(file.value)) {
    throw new ConfigError(
      `${relative} must be a map of keys`,
      file.locate([]),
      'write "key: value" lines; a list or a single value cannot be merged'
    )
  }
  return file
}

/** Stems of environment files in a folder that match no environment of the manifest. */
export function unknownEnvironmentFiles(manifest: Manifest, dir: string): string[] {
  const absolute = path.join(manifest.root, dir)
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) return []
  const known = new Set([DEFAULTS_FILE, ...manifest.environments.map((e) => e.name)])
  return [...groupByStem(readdirSync(absolute), dir).entries()]
    .filter(([stem]) => !known.has(stem))
    .map(([, file]) => `${dir}/${file}`)
}
