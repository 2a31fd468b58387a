/**
 * Real OpenSSH servers for deploy tests: each on 127.0.0.1 and a free high port, with its own
 * throw-away host key, one shared throw-away client key, and a private config (the system's sshd
 * config is never touched). Several servers stand for several hosts.
 *
 *   const fleet = await startSshFleet(3)
 *   fleet.clientKey          private key text (give it to deploy as the credentials secret)
 *   fleet.knownHosts         known_hosts lines for every server ([127.0.0.1]:port keys)
 *   fleet.servers[i].port    the port; fleet.hostSpec(i) -> `shipline-ssh-test@127.0.0.1:<port>`
 *   fleet.remoteRoot         a folder the ssh user owns (use it as deploy_root)
 *   await fleet.stop()       kills every sshd by its pid and removes the folder
 *
 * Logins use a system user with /bin/sh as its shell (created once with useradd when missing):
 * root's bash would source ~/.bashrc for every ssh command, which on a developer machine can cost
 * seconds per step and makes the tests measure someone's shell setup instead of shipline.
 *
 * Fails (never skips) when sshd or ssh-keygen is missing.
 */
import { execFileSync, spawn } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

const SSHD = '/usr/sbin/sshd'
export const SSH_TEST_USER = 'shipline-ssh-test'

function ensureTestUser(): { uid: number; gid: number } {
  const lookup = () => {
    try {
      const [uid, gid] = ['-u', '-g'].map((flag) =>
        Number(execFileSync('id', [flag, SSH_TEST_USER]).toString().trim())
      )
      return { uid: uid!, gid: gid! }
    } catch {
      return undefined
    }
  }
  const found = lookup()
  if (found) {
    execFileSync('usermod', ['--home', '/', '--password', '*', SSH_TEST_USER])
    return found
  }
  // Password '*': no password login, but not "locked" ('!'), which sshd without PAM would refuse.
  execFileSync('useradd', [
    '--system',
    '--shell',
    '/bin/sh',
    '--home-dir',
    '/',
    '--no-create-home',
    '--password',
    '*',
    SSH_TEST_USER
  ])
  return lookup()!
}

export interface SshServer {
  port: number
  pidFile: string
  hostPublicKey: string
}

export interface SshFleet {
  folder: string
  remoteRoot: string
  clientKey: string
  knownHosts: string
  servers: SshServer[]
  hostSpec(index: number): string
  stop(): Promise<void>
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net')
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`sshd did not start listening on ${port} within ${timeoutMs} ms`)
}

export async function startSshFleet(count: number): Promise<SshFleet> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install openssh-server (see .ci/run)`)
  const user = ensureTestUser()
  const folder = mkdtempSync(path.join(tmpdir(), 'shipline-sshd-'))
  const remoteRoot = path.join(folder, 'remote')
  mkdirSync(remoteRoot)
  chmodSync(folder, 0o755)
  chownSync(remoteRoot, user.uid, user.gid)
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  keygen(path.join(folder, 'client'))
  writeFileSync(path.join(folder, 'authorized_keys'), readFileSync(path.join(folder, 'client.pub')))
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const servers: SshServer[] = []
  for (let i = 0; i < count; i++) {
    const dir = path.join(folder, `server-${i}`)
    mkdirSync(dir)
    keygen(path.join(dir, 'host'))
    const port = await freePort()
    const pidFile = path.join(dir, 'sshd.pid')
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host')}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${path.join(folder, 'authorized_keys')}`,
      'PermitRootLogin no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'MaxSessions 50',
      'MaxStartups 50:30:100',
      'LogLevel ERROR',
      ''
    ].join('\n')
    const configFile = path.join(dir, 'sshd_config')
    writeFileSync(configFile, config)
    const child = spawn(SSHD, ['-f', configFile, '-E', path.join(dir, 'sshd.log')], { stdio: 'ignore' })
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`sshd exited with ${code}; see ${dir}/sshd.log`))
      )
      child.once('error', reject)
    })
    await waitForPort(port, 5000)
    const hostPublicKey = readFileSync(path.join(dir, 'host.pub'), 'utf8')
      .trim()
      .split(' ')
      .slice(0, 2)
      .join(' ')
    servers.push({ port, pidFile, hostPublicKey })
  }
  const knownHosts = servers.map((s) => `[127.0.0.1]:${s.port} ${s.hostPublicKey}`).join('\n') + '\n'
  return {
    folder,
    remoteRoot,
    clientKey: readFileSync(path.join(folder, 'client'), 'utf8'),
    knownHosts,
    servers,
    hostSpec: (i) => `${SSH_TEST_USER}@127.0.0.1:${servers[i]!.port}`,
    async stop() {
      for (const server of servers) {
        try {
          const pid = Number(readFileSync(server.pidFile, 'utf8').trim())
          process.kill(pid, 'SIGTERM')
        } catch {
          /* already gone */
        }
      }
      rmSync(folder, { recursive: true, force: true })
    }
  }
}
