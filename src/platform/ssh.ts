/**
 * Remote hosts through the system OpenSSH client.
 *
 * The local side is argv only (never a shell). OpenSSH always hands the remote side one command
 * string, so every remote argument is single-quoted by `remoteCommand`; where an operation needs
 * redirection or several steps, the remote script is a CONSTANT of this file and every value
 * (paths, versions, the service's argv) travels as a positional parameter ("$1", "$@"), never
 * pasted into the script.
 *
 * Security settings on every connection: no user or system ssh config (-F /dev/null), the key from a
 * secret written 0600 to a private temp folder, IdentitiesOnly, known hosts only from the manifest or
 * a secret with StrictHostKeyChecking=yes (no TOFU), BatchMode (never a prompt), no agent or X11
 * forwarding.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { OperationError } from '../core/errors.js'
import type { HostAccess, StartSpec } from '../core/deploy/host-access.js'
import type { Exec, ExecResult } from './exec.js'

export interface SshTarget {
  address: string
  port?: number
  user?: string
}

export interface SshCredentials {
  /** Private key text (from a secret). */
  privateKey: string
  /** known_hosts lines (from the manifest or a secret). */
  knownHosts: string
}

/** A private folder holding the key, the known hosts and the control sockets; removed by dispose(). */
export class SshSession {
  readonly folder: string
  readonly keyFile: string
  readonly knownHostsFile: string

  constructor(credentials: SshCredentials) {
    this.folder = mkdtempSync(path.join(tmpdir(), 'shipline-ssh-'))
    this.keyFile = path.join(this.folder, 'key')
    this.knownHostsFile = path.join(this.folder, 'known_hosts')
    const key = credentials.privateKey.endsWith('\n') ? credentials.privateKey : `${credentials.privateKey}\n`
    writeFileSync(this.keyFile, key, { mode: 0o600 })
    writeFileSync(this.knownHostsFile, credentials.knownHosts, { mode: 0o600 })
  }

  dispose(): void {
    rmSync(this.folder, { recursive: true, force: true })
  }
}

/** One argument quoted for a POSIX shell: '...' with each ' written as '\''. */
export function shellQuote(argument: string): string {
  return `'${argument.replace(/'/g, `'\\''`)}'`
}

/** The remote command string for an argv. */
export function remoteCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ')
}

/** The control socket of one target (short: unix socket paths are limited to about 100 bytes). */
export function controlPath(session: { folder: string }, target: SshTarget): string {
  const id = createHash('sha256')
    .update(`${target.user ?? ''}@${target.address}:${target.port ?? 22}`)
    .digest('hex')
    .slice(0, 16)
  return path.join(session.folder, `cm-${id}`)
}

/** The full local argv of `ssh` for one remote argv. Pure; unit-tested. */
export function sshArgv(
  target: SshTarget,
  session: { keyFile: string; knownHostsFile: string; folder: string },
  remote: readonly string[],
  options: { connectTimeoutSeconds?: number } = {}
): string[] {
  const argv = [
    'ssh',
    '-F',
    '/dev/null',
    '-i',
    session.keyFile,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${session.knownHostsFile}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ForwardAgent=no',
    '-o',
    'ForwardX11=no',
    '-o',
    'ClearAllForwardings=yes',
    '-o',
    `ConnectTimeout=${options.connectTimeoutSeconds ?? 10}`,
    '-o',
    'ServerAliveInterval=15',
    // Steps reuse the host's master connection when one is up (see SshHost.ensureMaster); this
    // call never becomes a master itself, since a persisting master would inherit our pipes.
    '-o',
    'ControlMaster=no',
    '-o',
    `ControlPath=${controlPath(session, target)}`
  ]
  if (target.port !== undefined) argv.push('-p', String(target.port))
  if (target.user) argv.push('-l', target.user)
  argv.push('--', target.address, remoteCommand(remote))
  return argv
}

// Remote scripts: constants; values arrive as "$1", "$2", ... ("sh" fills $0).
const WRITE_ATOMIC = 'mkdir -p "$(dirname "$1")" && cat >"$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"'
const APPEND_LINE = 'mkdir -p "$(dirname "$1")" && cat >>"$1"'
const EXTRACT =
  'mkdir -p "$1" && if [ -n "$3" ]; then tar -xzf - -C "$1" --no-same-owner --strip-components="$2" "$3"; ' +
  'else tar -xzf - -C "$1" --no-same-owner; fi'
const POINT_LINK = 'ln -sfn "$2" "$1.tmp.$$" && mv -Tf "$1.tmp.$$" "$1"'
const START =
  'cd "$1" || exit 1; pid_file=$2; log=$3; shift 3; mkdir -p "$(dirname "$log")" "$(dirname "$pid_file")"; ' +
  'setsid "$@" >>"$log" 2>&1 </dev/null & echo $! >"$pid_file"'
// A zombie (exited, not yet reaped: PID 1 in containers often never reaps) counts as stopped.
const STOP =
  'alive() { [ -r "/proc/$1/stat" ] && ! grep -qs ") Z" "/proc/$1/stat"; }; ' +
  'pid=$(cat "$1" 2>/dev/null) || exit 3; rm -f "$1"; alive "$pid" || exit 3; ' +
  'kill -TERM -"$pid" 2>/dev/null || kill -TERM "$pid"; i=0; ' +
  'while alive "$pid" && [ "$i" -lt "$2" ]; do sleep 0.05; i=$((i+1)); done; ' +
  'alive "$pid" && { kill -KILL -"$pid" 2>/dev/null || kill -KILL "$pid"; }; exit 0'

/** HostAccess over OpenSSH. */
export class SshHost implements HostAccess {
  constructor(
    readonly name: string,
    private readonly target: SshTarget,
    private readonly session: SshSession,
    private readonly exec: Exec
  ) {}

  private master: ChildProcess | undefined
  private masterReady: Promise<void> | undefined

  /**
   * One master connection per host, started with no pipes of ours (stdio ignored) so nothing waits
   * on it; every step then costs one round trip instead of a new handshake. When it cannot start,
   * steps connect on their own and report the real error.
   */
  private ensureMaster(): Promise<void> {
    this.masterReady ??= new Promise<void>((resolve) => {
      const argv = sshArgv(this.target, this.session, [])
      const at = argv.indexOf('--')
      const options = argv.slice(1, at).map((o) => (o === 'ControlMaster=no' ? 'ControlMaster=yes' : o))
      const child = spawn('ssh', [...options, '-N', '--', this.target.address], { stdio: 'ignore' })
      child.unref()
      this.master = child
      const socket = controlPath(this.session, this.target)
      const deadline = Date.now() + 15_000
      const poll = (): void => {
        if (existsSync(socket) || child.exitCode !== null || Date.now() > deadline) return resolve()
        setTimeout(poll, 20)
      }
      child.once('error', () => resolve())
      poll()
    })
    return this.masterReady
  }

  private async ssh(remote: string[], input?: string | Buffer): Promise<ExecResult> {
    await this.ensureMaster()
    const argv = sshArgv(this.target, this.session, remote)
    const result = await this.exec.run(argv, input === undefined ? {} : { input })
    // 255 is ssh's own failure (connection, host key, auth), never the remote command's.
    if (result.exitCode === 255) {
      const reason = result.stderr.trim().split('\n').filter(Boolean).pop() ?? 'ssh failed'
      throw new OperationError(`${this.name} is unreachable over ssh: ${reason}`)
    }
    return result
  }

  private async must(what: string, remote: string[], input?: string | Buffer): Promise<ExecResult> {
    const result = await this.ssh(remote, input)
    if (result.exitCode !== 0)
      throw new OperationError(
        `${this.name}: ${what} failed (exit ${result.exitCode}): ${result.stderr.trim()}`
      )
    return result
  }

  async probe(): Promise<void> {
    await this.must('a test command', ['true'])
  }

  async readFile(file: string): Promise<string | undefined> {
    const result = await this.ssh(['cat', '--', file])
    if (result.exitCode === 0) return result.stdout
    if (/No such file/i.test(result.stderr)) return undefined
    throw new OperationError(`${this.name}: reading ${file} failed: ${result.stderr.trim()}`)
  }

  async writeFileAtomic(file: string, content: string): Promise<void> {
    await this.must(`writing ${file}`, ['sh', '-c', WRITE_ATOMIC, 'sh', file], content)
  }

  async appendLine(file: string, line: string): Promise<void> {
    await this.must(`appending to ${file}`, ['sh', '-c', APPEND_LINE, 'sh', file], `${line}\n`)
  }

  async createDirExclusive(dir: string): Promise<boolean> {
    await this.makeDirs(path.posix.dirname(dir))
    const result = await this.ssh(['mkdir', '--', dir])
    if (result.exitCode === 0) return true
    if (/File exists/i.test(result.stderr)) return false
    throw new OperationError(`${this.name}: creating ${dir} failed: ${result.stderr.trim()}`)
  }

  async makeDirs(dir: string): Promise<void> {
    await this.must(`creating ${dir}`, ['mkdir', '-p', '--', dir])
  }

  async removeTree(target: string): Promise<void> {
    await this.must(`removing ${target}`, ['rm', '-rf', '--', target])
  }

  async list(dir: string): Promise<string[]> {
    const result = await this.ssh(['ls', '-1A', '--', dir])
    if (result.exitCode !== 0) return []
    return result.stdout.split('\n').filter(Boolean).sort()
  }

  async extractTarGz(archive: string, member: string, strip: number, dest: string): Promise<void> {
    await this.must(
      `unpacking ${path.basename(archive)}`,
      ['sh', '-c', EXTRACT, 'sh', dest, String(strip), member],
      readFileSync(archive)
    )
  }

  async copyFolder(source: string, dest: string): Promise<void> {
    // Exec returns text, so the archive goes through a temporary file to keep its bytes intact.
    const folder = mkdtempSync(path.join(tmpdir(), 'shipline-pack-'))
    try {
      const archive = path.join(folder, 'tree.tar.gz')
      const result = await this.exec.run(['tar', '-czf', archive, '-C', source, '.'])
      if (result.exitCode !== 0) throw new OperationError(`packing ${source} failed: ${result.stderr.trim()}`)
      await this.extractTarGz(archive, '', 0, dest)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  }

  async pointLink(link: string, target: string): Promise<void> {
    await this.must(`switching ${link}`, ['sh', '-c', POINT_LINK, 'sh', link, target])
  }

  async readLink(link: string): Promise<string | undefined> {
    const result = await this.ssh(['readlink', '--', link])
    return result.exitCode === 0 ? result.stdout.trim() : undefined
  }

  async startDetached(spec: StartSpec): Promise<void> {
    const env = Object.entries(spec.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
    const argv = ['env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', ...env, ...spec.argv]
    await this.must(`starting ${spec.argv[0]}`, [
      'sh',
      '-c',
      START,
      'sh',
      spec.cwd,
      spec.pidFile,
      spec.logFile,
      ...argv
    ])
  }

  async stopProcess(pidFile: string, graceMs: number): Promise<boolean> {
    const result = await this.ssh(['sh', '-c', STOP, 'sh', pidFile, String(Math.ceil(graceMs / 50))])
    if (result.exitCode === 3) return false
    if (result.exitCode !== 0)
      throw new OperationError(`${this.name}: stopping failed: ${result.stderr.trim()}`)
    return true
  }

  async close(): Promise<void> {
    const master = this.master
    if (!master || master.exitCode !== null) return
    await new Promise<void>((resolve) => {
      master.once('exit', () => resolve())
      master.kill('SIGTERM')
      setTimeout(resolve, 2000).unref()
    })
  }
}
