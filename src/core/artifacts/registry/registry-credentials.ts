import type { RegistryCredentials } from './registry-auth.js'
import { parseImageReference } from './image-reference.js'

/**
 * Registry credentials from the environment, never from command-line arguments (those show in
 * process lists): SHIPLINE_REGISTRY_USERNAME + SHIPLINE_REGISTRY_PASSWORD, or for ghcr.io in a
 * workflow the actor and the workflow token (GITHUB_ACTOR + GITHUB_TOKEN).
 */
export function registryCredentialsFromEnv(
  reference: string,
  env: NodeJS.ProcessEnv
): RegistryCredentials | undefined {
  const username = env.SHIPLINE_REGISTRY_USERNAME
  const password = env.SHIPLINE_REGISTRY_PASSWORD
  if (username && password) return { username, password }
  if (parseImageReference(reference).registry === 'ghcr.io' && env.GITHUB_TOKEN) {
    return { username: env.GITHUB_ACTOR || 'x-access-token', password: env.GITHUB_TOKEN }
  }
  return undefined
}
