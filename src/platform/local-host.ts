/**
 * HostAccess for the local provider: a "host" is a folder on this machine. Files through node:fs,
 * archives through the system `tar` (argv only), services started detached with their pid recorded
 * so `shipline stop` can end them later from another process.
 */
import { spawn } from 'node:child_process'
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { errorMessage, OperationError } from '../core/errors.js'
import type { HostAccess, StartSpec } from '../core/deploy/host-access.js'
import type { Exec } from './exec.js'

let temporaryCounter = 0
function temporaryName(file: string): string {
  temporaryCounter++
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${temporaryCounter}.tmp`)
}

/** Running, and not a zombie (exited but never reaped: PID 1 in containers often does not reap). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

/**
 * Unpacks each archive once per deploy and copies the tree to every local host after that: one
 * `tar` for twelve hosts instead of twelve. dispose() removes the unpacked copies.
 */
export class UnpackCache {
  private readonly unpacked = new Map<string, Promise<string>>()
  private folder: string | undefined

  constructor(private readonly exec: Exec) {}

  tree(archive: string, member: string, strip: number): Promise<string> {
    const key = `${archive}\0${member}\0${strip}`
    let tree = this.unpacked.get(key)
    if (!tree) {
      this.folder ??= mkdtempSync(path.join(tmpdir(), 'shipline-unpack-'))
      const dest = path.join(this.folder, String(this.unpacked.size))
      tree = unpack(this.exec, archive, member, strip, dest).then(() => dest)
      this.unpacked.set(key, tree)
    }
    return tree
  }

  dispose(): void {
    if (this.folder) rmSync(this.folder, { recursive: true, force: true })
    this.folder = undefined
    this.unpacked.clear()
  }
}

async function unpack(
  exec: Exec,
  archive: string,
  member: string,
  strip: number,
  dest: string
): Promise<void> {
  mkdirSync(dest, { recursive: true })
  const argv = ['tar', '-xzf', archive, '-C', dest, '--no-same-owner', `--strip-components=${strip}`, member]
  const result = await exec.run(argv)
  if (result.exitCode !== 0)
    throw new OperationError(`unpacking ${path.basename(archive)} failed: ${result.stderr.trim()}`)
}

/** Copies a tree as it is: links stay links, and file times stay what the archive said. */
function copyTree(source: string, dest: string): void {
  cpSync(source, dest, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true })
}

export class LocalHost implements HostAccess {
  constructor(
    readonly name: string,
    private readonly folder: string,
    private readonly exec: Exec,
    private readonly cache?: UnpackCache
  ) {}

  async probe(): Promise<void> {
    mkdirSync(this.folder, { recursive: true })
  }

  async readFile(file: string): Promise<string | undefined> {
    try {
      return readFileSync(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  async writeFileAtomic(file: string, content: string): Promise<void> {
    mkdirSync(path.dirname(file), { recursive: true })
    const temporary = temporaryName(file)
    writeFileSync(temporary, content)
    renameSync(temporary, file)
  }

  async appendLine(file: string, line: string): Promise<void> {
    mkdirSync(path.dirname(file), { recursive: true })
    appendFileSync(file, `${line}\n`)
  }

  async createDirExclusive(dir: string): Promise<boolean> {
    mkdirSync(path.dirname(dir), { recursive: true })
    try {
      mkdirSync(dir)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw error
    }
  }

  async makeDirs(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true })
  }

  async removeTree(target: string): Promise<void> {
    rmSync(target, { recursive: true, force: true })
  }

  async list(dir: string): Promise<string[]> {
    return existsSync(dir) ? readdirSync(dir).sort() : []
  }

  async extractTarGz(archive: string, member: string, strip: number, dest: string): Promise<void> {
    try {
      // A copy, not links into the cache: each host's release is its own, as if it had unpacked it.
      if (this.cache) {
        copyTree(await this.cache.tree(archive, member, strip), dest)
      } else {
        await unpack(this.exec, archive, member, strip, dest)
      }
    } catch (error) {
      throw new OperationError(`${this.name}: ${errorMessage(error)}`)
    }
  }

  async copyFolder(source: string, dest: string): Promise<void> {
    copyTree(source, dest)
  }

  async pointLink(link: string, target: string): Promise<void> {
    const temporary = temporaryName(link)
    symlinkSync(target, temporary)
    renameSync(temporary, link)
  }

  async readLink(link: string): Promise<string | undefined> {
    try {
      return readlinkSync(link)
    } catch {
      return undefined
    }
  }

  async startDetached(spec: StartSpec): Promise<void> {
    mkdirSync(path.dirname(spec.logFile), { recursive: true })
    const log = openSync(spec.logFile, 'a')
    const [program, ...args] = spec.argv
    try {
      const child = spawn(program!, args, {
        cwd: spec.cwd,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...spec.env },
        detached: true,
        stdio: ['ignore', log, log],
        shell: false
      })
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve)
        child.once('error', (error) =>
          reject(new OperationError(`${this.name}: could not start ${program}: ${error.message}`))
        )
      })
      child.unref()
      await this.writeFileAtomic(spec.pidFile, `${child.pid}\n`)
    } finally {
      closeSync(log)
    }
  }

  async stopProcess(pidFile: string, graceMs: number): Promise<boolean> {
    const text = await this.readFile(pidFile)
    const pid = Number(text?.trim())
    rmSync(pidFile, { force: true })
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return false
    // The service was started as a process-group leader: signal the group, so its children end too.
    const signal = (name: NodeJS.Signals): void => {
      try {
        process.kill(-pid, name)
      } catch {
        try {
          process.kill(pid, name)
        } catch {
          /* already gone */
        }
      }
    }
    signal('SIGTERM')
    const deadline = Date.now() + graceMs
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    if (isAlive(pid)) signal('SIGKILL')
    return true
  }

  async close(): Promise<void> {}
}
