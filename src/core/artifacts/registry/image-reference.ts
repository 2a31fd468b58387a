import { ConfigError } from '../../errors.js'

/**
 * An image reference split into the parts the distribution API needs:
 * `registry/repository[:tag][@digest]`, e.g. `ghcr.io/acme/catalog:1.2.3`.
 */
export interface ImageReference {
  /** Host and optional port, e.g. `ghcr.io` or `127.0.0.1:5000`. */
  registry: string
  /** Repository path inside the registry, e.g. `acme/catalog`. */
  repository: string
  tag?: string
  /** `sha256:<64 hex>`. */
  digest?: string
}

// Grammar from the distribution reference rules (lower-case path components separated by `/`,
// separators `.`, `_`, `__` or runs of `-`; tags up to 128 word characters, dots and dashes).
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
const DIGEST = /^sha256:[a-f0-9]{64}$/
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/
const MAX_NAME_LENGTH = 255
const DEFAULT_REGISTRY = 'docker.io'

const HINT =
  'write an image reference as registry/owner/name[:tag][@sha256:<digest>], e.g. ghcr.io/acme/catalog:1.2.3 (lower-case name)'

function malformed(text: string, why: string): ConfigError {
  return new ConfigError(`malformed image reference '${text}': ${why}`, {}, HINT)
}

/** Whether the first path segment names a registry host rather than a repository component. */
function looksLikeHost(segment: string): boolean {
  return segment.includes('.') || segment.includes(':') || segment === 'localhost' || segment.startsWith('[')
}

/** Parses a reference; a name without a registry host means Docker Hub, as docker and skopeo read it. */
export function parseImageReference(text: string): ImageReference {
  const input = text.trim()
  if (!input) throw malformed(text, 'it is empty')
  if (/\s/.test(input)) throw malformed(text, 'it contains white space')

  let rest = input
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest))
      throw malformed(text, `'${digest}' is not a sha256 digest (sha256:<64 hex digits>)`)
  }

  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const lastColon = rest.lastIndexOf(':')
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1)
    rest = rest.slice(0, lastColon)
    if (!TAG.test(tag)) throw malformed(text, `'${tag}' is not a valid tag`)
  }

  const segments = rest.split('/')
  let registry = DEFAULT_REGISTRY
  const first = segments[0] ?? ''
  if (segments.length > 1 && looksLikeHost(first)) {
    if (!HOST.test(first)) throw malformed(text, `'${first}' is not a valid registry host`)
    registry = first
    segments.shift()
  }
  if (registry === DEFAULT_REGISTRY && segments.length === 1) segments.unshift('library')
  for (const segment of segments) {
    if (!PATH_COMPONENT.test(segment)) {
      throw malformed(
        text,
        segment ? `'${segment}' is not a valid name component` : 'it has an empty name component'
      )
    }
  }
  const repository = segments.join('/')
  if (repository.length > MAX_NAME_LENGTH) throw malformed(text, `the name is longer than ${MAX_NAME_LENGTH}`)
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) }
}

/** `registry/repository[:tag][@digest]`. */
export function formatReference(reference: ImageReference): string {
  const tag = reference.tag ? `:${reference.tag}` : ''
  const digest = reference.digest ? `@${reference.digest}` : ''
  return `${reference.registry}/${reference.repository}${tag}${digest}`
}

/** What to ask the registry for: the digest when pinned, else the tag, else `latest`. */
export function manifestReference(reference: ImageReference): string {
  return reference.digest ?? reference.tag ?? 'latest'
}

/** Loopback registries (the test registry, a developer's local one) speak plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[')
    ? registry.slice(0, registry.indexOf(']') + 1)
    : registry.split(':')[0]
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host ?? '')
}

/** `https://host/` or, for loopback hosts or when asked, `http://host/`. */
export function registryUrl(registry: string, plainHttp = isLoopbackRegistry(registry)): URL {
  const host = registry === DEFAULT_REGISTRY ? 'registry-1.docker.io' : registry
  return new URL(`${plainHttp ? 'http' : 'https'}://${host}/`)
}
