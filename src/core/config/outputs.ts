import { canonicalJson } from '../canonical-json.js'
import type { ResolvedConfig } from './model.js'

/**
 * The step outputs that describe a resolved config. None can hold a secret value: the config
 * keeps its `secret:NAME` references and the hosts name credentials without holding them.
 */
export function configOutputs(config: ResolvedConfig): Record<string, string> {
  return {
    config: canonicalJson(config.values),
    'config-hash': config.hash,
    hosts: canonicalJson(config.hosts),
    environment: config.environment
  }
}

/**
 * Outputs whose text contains a secret's value anyway - because the same text is also an
 * ordinary value (a secret `prod` and the environment `prod`). The runner masks that text
 * everywhere and drops any job output carrying it; the caller warns, naming the secret only.
 */
export function outputsCarryingSecrets(
  outputs: Record<string, string>,
  secretValues: ReadonlyMap<string, string>
): { output: string; secret: string }[] {
  const hits: { output: string; secret: string }[] = []
  for (const [output, text] of Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : 1)))
    for (const [secret, value] of secretValues)
      if (value && text.includes(value)) hits.push({ output, secret })
  return hits
}
