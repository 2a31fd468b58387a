import picomatch from 'picomatch'

/**
 * Files that usually hold secrets and have no place in a package: left out of every artifact
 * unless the service opts in with `build.include_credentials: true`. Matched against each path
 * segment's basename, so `.env` is caught at any depth; `.git` drops the whole folder.
 */
export const CREDENTIAL_PATTERNS: readonly string[] = [
  '.git',
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  '.npmrc',
  '.netrc',
  '.pypirc'
]

const isCredentialName = picomatch(CREDENTIAL_PATTERNS as string[], { dot: true })

/** True when a file or folder name (one path segment) looks like a credential. */
export function looksLikeCredential(name: string): boolean {
  return isCredentialName(name)
}
