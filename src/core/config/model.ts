/** What the config stage hands to deploy. */

export interface ValueSource {
  /** Repository-relative file, or `input` / `cli` for explicit overrides. */
  file: string
  line?: number
  /** Which layer: repo-defaults, repo-env, service-defaults, service-env, override. */
  layer: 'repo-defaults' | 'repo-env' | 'service-defaults' | 'service-env' | 'override'
}

export interface ResolvedTarget {
  group: string
  /** Host name, folder name (local provider) or platform target. */
  host: string
  provider: 'local' | 'ssh' | 'command'
  credentials?: string
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
