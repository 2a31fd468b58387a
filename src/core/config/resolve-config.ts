import path from 'node:path'
import { sha256Digest, canonicalJson } from '../canonical-json.js'
import { findEnvironment, findService } from '../manifest/load-manifest.js'
import type { Manifest } from '../manifest/types.js'
import type { YamlFile } from '../manifest/yaml-file.js'
import type { Logger } from '../../platform/logger.js'
import { validateServiceConfig } from './config-schema.js'
import { readConfigLayers, unknownEnvironmentFiles, type ConfigLayer } from './layer-files.js'
import { mapStrings } from './leaves.js'
import { mergeLayers, type MergeInput } from './merge-layers.js'
import type { ConfigFormat, ConfigResolution } from './model.js'
import { overridesLayer } from './overrides.js'
import { renderConfig } from './render-config.js'
import { SECRET_PREFIX } from './secret-reference.js'
import { readSecrets, scanSecrets, type SecretMode } from './secrets.js'
import { resolveTargets } from './targets.js'

export interface ResolveConfigOptions {
  manifest: Manifest
  service: string
  /** As the user wrote it; matched without case against the manifest's environments. */
  environment: string
  /** Explicit `key=value` overrides; they win over every file. */
  overrides?: readonly string[]
  /** How the overrides are named in provenance: `input "overrides"`, `command line`. */
  overridesOrigin?: string
  /** Where secrets come from: the step's environment. */
  env?: Readonly<Record<string, string | undefined>>
  logger: Logger
  /**
   * `none` (default): keep references, read nothing. `check`: fail unless every referenced secret
   * is set, without keeping a value (dry run). `resolve`: read and mask them for use.
   */
  secrets?: SecretMode
}

/**
 * Resolves a service's configuration for one environment: repository defaults < repository
 * environment file < service defaults < service environment file < overrides. Validates it
 * against the service's schema, records where every value came from, and finds the hosts.
 */
export function resolveConfig(options: ResolveConfigOptions): ConfigResolution {
  const { manifest, logger } = options
  const service = findService(manifest, options.service)
  const env = findEnvironment(manifest, options.environment)
  const layers = readConfigLayers(manifest, service, env)
  const inputs: MergeInput[] = layers.filter((l) => l.file).map(layerInput)
  if (options.overrides?.length)
    inputs.push(overridesLayer(options.overrides, options.overridesOrigin ?? 'overrides'))
  const { values, sources } = mergeLayers(inputs)

  validateServiceConfig(manifest, service, values, sources)
  const { uses, warnings } = scanSecrets(values, sources)
  for (const file of strayEnvironmentFiles(manifest, layers, service.config.schema, service.path)) {
    warnings.push({
      message: `${file} matches no environment in ${manifest.file} (known: ${manifest.environments.map((e) => e.name).join(', ')}); it is never read`,
      location: { file }
    })
  }
  for (const warning of warnings) logger.warning(warning.message, warning.location)
  const secretValues = readSecrets(uses, options.env ?? {}, options.secrets ?? 'none', logger)

  const hosts = resolveTargets(env, service)
  const materialise = (): Record<string, unknown> => {
    if (uses.length && secretValues.size !== uses.length) {
      throw new Error('materialise() needs the secrets resolved: call resolveConfig with secrets: "resolve"')
    }
    return mapStrings(values, (s) =>
      s.startsWith(SECRET_PREFIX) ? (secretValues.get(s.slice(SECRET_PREFIX.length)) ?? s) : s
    ) as Record<string, unknown>
  }
  return {
    service: service.name,
    environment: env.name,
    values,
    sources,
    secrets: uses.map((u) => u.name),
    hash: configHash(values),
    hosts,
    warnings,
    secretValues,
    materialise,
    render: (format: ConfigFormat, renderOptions: { withSecrets?: boolean } = {}) =>
      renderConfig(renderOptions.withSecrets === false ? values : materialise(), format)
  }
}

/** sha256 of the canonical effective config with secrets as their references: changes with it, reveals nothing. */
export function configHash(values: Record<string, unknown>): string {
  return sha256Digest(canonicalJson(values))
}

function layerInput(layer: ConfigLayer): MergeInput {
  const file = layer.file as YamlFile
  return {
    values: (file.value as Record<string, unknown> | null) ?? {},
    sourceOf: (at) => {
      const loc = file.locate(at)
      return {
        file: layer.displayPath,
        ...(loc.line ? { line: loc.line } : {}),
        ...(loc.column ? { column: loc.column } : {}),
        layer: layer.layer
      }
    },
    locate: (at) => file.locate(at, true)
  }
}

/** Config files named after no known environment (a typo such as `prodution.yml`). */
function strayEnvironmentFiles(
  manifest: Manifest,
  layers: ConfigLayer[],
  schema: string | undefined,
  servicePath: string
): string[] {
  const schemaFile = schema ? path.posix.join(servicePath, schema) : undefined
  const dirs = [...new Set(layers.map((l) => path.posix.dirname(l.displayPath)))]
  return dirs.flatMap((dir) => unknownEnvironmentFiles(manifest, dir)).filter((f) => f !== schemaFile)
}
