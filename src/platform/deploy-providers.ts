/**
 * The providers of deploy, wired from the manifest: which HostAccess opens a planned host and which
 * ReleaseDriver installs and starts releases on it.
 *
 *   local    LocalHost folders + FilesDriver (the service runs detached on this machine)
 *   ssh      SshHost over OpenSSH + FilesDriver; key and known hosts from secrets (or known hosts from
 *            a repository file), written to a private temp folder removed by dispose()
 *   command  LocalHost folders for state, lock and audit + CommandDriver (argv templates)
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { CommandDriver } from '../core/deploy/command-driver.js'
import type { HostOpener } from '../core/deploy/targets.js'
import { FilesDriver, type ReleaseDriver } from '../core/deploy/release-driver.js'
import { ConfigError } from '../core/errors.js'
import type { EnvironmentSpec, Manifest, Service } from '../core/manifest/types.js'
import type { Exec } from './exec.js'
import { LocalHost, UnpackCache } from './local-host.js'
import type { Logger } from './logger.js'
import { SshHost, SshSession } from './ssh.js'

export interface ProviderOptions {
  manifest: Manifest
  environment: EnvironmentSpec
  service: Service
  exec: Exec
  logger: Logger
  /** Reads a secret by name (the step's or the shell's environment). */
  secret: (name: string) => string | undefined
}

export interface Provider {
  open: HostOpener
  driver: ReleaseDriver
  dispose(): void
}

function missingSecret(name: string, manifest: Manifest, environment: string, purpose: string): ConfigError {
  return new ConfigError(
    `secret ${name} (${purpose} of environment "${environment}") is not set`,
    { file: manifest.file, keyPath: `environments.${environment}` },
    `pass it to the step as an environment variable (env: ${name}: \${{ secrets.${name} }}), or export it for the CLI`
  )
}

/** known_hosts lines: a repository file when one exists at that path, otherwise a secret of that name. */
export function knownHostsText(options: ProviderOptions): string {
  const { environment, manifest } = options
  const name = environment.knownHosts
  if (!name)
    throw new ConfigError(
      `environment "${environment.name}" uses ssh but names no known_hosts`,
      { file: manifest.file, keyPath: `environments.${environment.name}.known_hosts` },
      "add known_hosts: the name of a secret (or a repository file) holding the hosts' public keys; host keys are never accepted blindly"
    )
  const file = path.join(manifest.root, name)
  if (existsSync(file)) return readFileSync(file, 'utf8')
  const value = options.secret(name)
  if (!value) throw missingSecret(name, manifest, environment.name, 'known hosts')
  return value
}

export function providerFor(options: ProviderOptions): Provider {
  const { environment, service, exec } = options
  if (environment.provider === 'local') {
    const cache = new UnpackCache(exec)
    return {
      open: (host) => new LocalHost(host.name, host.root, exec, cache),
      driver: new FilesDriver(service.name, environment.name, service.run),
      dispose: () => cache.dispose()
    }
  }
  if (environment.provider === 'command') {
    return {
      open: (host) => new LocalHost(host.name, host.root, exec),
      driver: new CommandDriver(
        environment.commands ?? {},
        { service: service.name, environment: environment.name },
        exec,
        service.run?.health
      ),
      dispose: () => undefined
    }
  }
  // Secrets are read when the first host is opened, so a dry run can list what is missing.
  let knownHosts: string | undefined
  const sessions = new Map<string, SshSession>()
  const sessionFor = (credentials: string | undefined): SshSession => {
    if (!credentials)
      throw new ConfigError(
        `environment "${environment.name}" uses ssh but names no credentials`,
        { file: options.manifest.file, keyPath: `environments.${environment.name}.credentials` },
        'add credentials: the name of the secret holding the private key'
      )
    let session = sessions.get(credentials)
    if (!session) {
      const key = options.secret(credentials)
      if (!key) throw missingSecret(credentials, options.manifest, environment.name, 'ssh key')
      options.logger.mask(key)
      knownHosts ??= knownHostsText(options)
      session = new SshSession({ privateKey: key, knownHosts })
      sessions.set(credentials, session)
    }
    return session
  }
  const groupCredentials = new Map(
    environment.groups.map((g) => [g.name, g.credentials ?? environment.credentials])
  )
  return {
    open: (host) =>
      new SshHost(
        host.name,
        {
          address: host.address,
          ...(host.sshPort !== undefined ? { port: host.sshPort } : {}),
          ...(host.user ? { user: host.user } : {})
        },
        sessionFor(groupCredentials.get(host.group)),
        exec
      ),
    driver: new FilesDriver(service.name, environment.name, service.run),
    dispose: () => sessions.forEach((s) => s.dispose())
  }
}
