/**
 * The few things deploy needs to do on a host, whatever the provider. Paths are absolute POSIX
 * paths on that host. Implemented by platform/local-host.ts (folders on this machine) and
 * platform/ssh.ts (OpenSSH, one argv per operation); core/deploy never talks to a host otherwise.
 */
export interface StartSpec {
  argv: string[]
  cwd: string
  env: Record<string, string>
  /** The child's pid is written here. */
  pidFile: string
  /** Standard output and error go here. */
  logFile: string
}

export interface HostAccess {
  /** Host name as the plan names it (for messages). */
  readonly name: string
  /** Fails with a clear OperationError when the host cannot be reached. */
  probe(): Promise<void>
  readFile(path: string): Promise<string | undefined>
  /** Writes through a temporary file and a rename, so readers never see half a file. */
  writeFileAtomic(path: string, content: string): Promise<void>
  appendLine(path: string, line: string): Promise<void>
  /** Atomic create of a folder: true when this call created it, false when it already existed. */
  createDirExclusive(path: string): Promise<boolean>
  makeDirs(path: string): Promise<void>
  removeTree(path: string): Promise<void>
  /** Entry names of a folder (empty when missing). */
  list(path: string): Promise<string[]>
  /** Unpacks `member` of a local .tar.gz into `dest`, dropping `strip` leading path parts. */
  extractTarGz(archive: string, member: string, strip: number, dest: string): Promise<void>
  /** Copies a local folder's contents into `dest`. */
  copyFolder(source: string, dest: string): Promise<void>
  /** Points `link` at `target` atomically (a new link renamed over the old one). */
  pointLink(link: string, target: string): Promise<void>
  readLink(link: string): Promise<string | undefined>
  /** Starts a long-running process detached from this one; its pid lands in spec.pidFile. */
  startDetached(spec: StartSpec): Promise<void>
  /** Stops the process named by the pid file (TERM, then KILL after `graceMs`); false when none ran. */
  stopProcess(pidFile: string, graceMs: number): Promise<boolean>
  /** Releases connections (ssh control masters). */
  close(): Promise<void>
}
