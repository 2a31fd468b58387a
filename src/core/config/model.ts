/** What the config stage hands to deploy. */
import type { SourceLocation } from '../errors.js'

export type ConfigLayerName = 'repo-defaults' | 'repo-env' | 'service-defaults' | 'service-env' | 'override'

export interface ValueSource {
  /** Repository-relative file, or a description of the override (`input "overrides"`, `command line`). */
  file: string
  line?: number
  column?: number
  /** Which layer: repo-defaults, repo-env, service-defaults, service-env, override. */
  layer: ConfigLayerName
}

export interface ResolvedTarget {
  group: string
  /** Host name, folder name (local provider) or platform target. */
  host: string
  provider: 'local' | 'ssh' | 'command'
  credentials?: string
  /** The platform target of the group (command provider), when it names one. */
  target?: string
}

export interface ResolvedConfig {
  service: string
  environment: string
  /** The effective config with secret references left as references (`secret:NAME`). */
  values: Record<string, unknown>
  /** Dotted key -> where its value came from. */
  sources: Record<string, ValueSource>
  /** Names of the secrets referenced. */
  secrets: string[]
  /** sha256 of the canonical effective config (secrets as reference names). */
  hash: string
  hosts: ResolvedTarget[]
}

/** Formats the full configuration can be rendered in. */
export type ConfigFormat = 'dotenv' | 'json' | 'yaml'

/** Something worth a look that does not stop resolution (a literal under a secret-looking key). */
export interface ConfigWarning {
  message: string
  location: SourceLocation
}

/**
 * What `resolveConfig` returns: the plain data above plus the secret values (only when they were
 * resolved for use) and renderers. Secret values live only here; nothing in `ResolvedConfig` holds one.
 */
export interface ConfigResolution extends ResolvedConfig {
  warnings: ConfigWarning[]
  /** Secret name -> value, already masked through the logger; empty unless secrets were resolved. */
  secretValues: ReadonlyMap<string, string>
  /** The effective config with every reference replaced by its value (needs resolved secrets). */
  materialise(): Record<string, unknown>
  /**
   * The effective config as a file. `withSecrets` (default true) needs resolved secrets; false
   * keeps the references, which is safe to print.
   */
  render(format: ConfigFormat, options?: { withSecrets?: boolean }): string
}
