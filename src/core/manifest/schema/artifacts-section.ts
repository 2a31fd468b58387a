import { relativePath } from './common.js'

export type ArtifactFormat = 'deb' | 'rpm' | 'tgz' | 'oci'
export const artifactFormats: readonly ArtifactFormat[] = ['deb', 'rpm', 'tgz', 'oci']

/** `artifacts:` in service.yml: the OS-native packages a service produces. */
export interface ArtifactsSpec {
  formats: ArtifactFormat[]
  /** Absolute folder the tree is installed into on hosts. */
  installDir: string
  /** Debian architecture name (`all`, `amd64`, `arm64`). */
  architecture: string
  /** Debian `Depends` entries. */
  depends: string[]
  /** RPM `Requires` entries (defaults to the package names of `depends`). */
  requires?: string[]
  /** Absolute paths of configuration files inside the package (marked conffiles / %config). */
  conffiles: string[]
  /** Maintainer scripts, relative to the service folder. */
  scripts: Partial<Record<'preinst' | 'postinst' | 'prerm' | 'postrm', string>>
  /** Generate a systemd unit from the `run:` section. */
  systemd: boolean
  section: string
  priority: string
}

export const artifactsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    formats: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: artifactFormats },
      'x-hint': 'choose from deb, rpm, tgz and oci'
    },
    install_dir: {
      type: 'string',
      pattern: '^/[A-Za-z0-9._/-]*$',
      'x-hint': 'give an absolute install folder such as /opt/catalog'
    },
    architecture: { enum: ['all', 'amd64', 'arm64'], 'x-hint': 'use all, amd64 or arm64' },
    depends: { type: 'array', items: { type: 'string', minLength: 1 } },
    requires: { type: 'array', items: { type: 'string', minLength: 1 } },
    conffiles: { type: 'array', items: { type: 'string', pattern: '^/' } },
    scripts: {
      type: 'object',
      additionalProperties: false,
      properties: { preinst: relativePath, postinst: relativePath, prerm: relativePath, postrm: relativePath }
    },
    systemd: { type: 'boolean' },
    section: { type: 'string', minLength: 1 },
    priority: { type: 'string', minLength: 1 }
  }
} as const
