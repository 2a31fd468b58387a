/**
 * The security rules every example workflow keeps (workflow-security.md section 1), checked on
 * the YAML itself so a broken rule names its file and line. zizmor and actionlint check more in CI;
 * this is the part a unit test can hold without network or binaries.
 */
import { isMap, isScalar, isSeq } from 'yaml'
import type { YAMLMap } from 'yaml'
import { expressionsIn, scalars, text, WorkflowDocument } from './workflow-document.js'
import type { Finding } from './workflow-document.js'

const allowedTriggers = new Set([
  'push',
  'pull_request',
  'merge_group',
  'schedule',
  'workflow_dispatch',
  'workflow_call'
])
const dangerousTriggers = new Set(['pull_request_target', 'workflow_run', 'issue_comment'])
const pinnedSha = /@[0-9a-f]{40}$/
const versionComment = /^\s*v\d+\.\d+\.\d+\b/
/** Our deploy action, under whatever owner the copy uses. */
const deployAction = /\/shipline\/actions\/deploy@/
const forbiddenEnvKeys = ['ACTIONS_STEP_DEBUG', 'ACTIONS_RUNNER_DEBUG', 'ACTIONS_ALLOW_UNSECURE_COMMANDS']
const forbiddenScript: Array<[RegExp, string]> = [
  [/\bnpm\s+(install|i)\b/, 'use `npm ci`, never `npm install`, in run: scripts'],
  [/\b(curl|wget)\b[^\n|]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/, 'never pipe a download into a shell'],
  [/::(set-output|save-state|set-env|add-path)\b/, 'deprecated workflow command'],
  [/\$\{?GITHUB_(ENV|PATH)\b/, 'never write to GITHUB_ENV or GITHUB_PATH from a script']
]

export function checkWorkflowSecurity(file: string, source: string): Finding[] {
  const wf = new WorkflowDocument(file, source)
  const findings: Finding[] = []
  const report = (node: unknown, rule: string, message: string) =>
    findings.push({ file, line: wf.lineOf(node), rule, message })

  checkTopLevel(wf, report)
  for (const [id, job] of wf.jobs()) checkJob(wf, id, job, report)
  return findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule))
}

type Report = (node: unknown, rule: string, message: string) => void

function checkTopLevel(wf: WorkflowDocument, report: Report): void {
  const doc = wf.doc
  if (!text(doc.get('name', true))) report(doc.contents, 'name', 'the workflow has no name:')

  const permissions = doc.get('permissions', true)
  if (permissions === undefined) report(doc.contents, 'permissions', 'no top-level permissions: (use {})')
  else if (!isMap(permissions)) report(permissions, 'permissions', 'top-level permissions must be {}')
  else {
    for (const pair of permissions.items) {
      const scope = text(pair.key)
      if (!(scope === 'contents' && text(pair.value) === 'read'))
        report(
          pair.key,
          'permissions',
          `top-level permissions grant ${scope}; grant it in the job that needs it`
        )
    }
  }

  const on = doc.get('on', true)
  const triggers = isMap(on)
    ? on.items.map((p) => ({ name: text(p.key) ?? '', node: p.key }))
    : isSeq(on)
      ? on.items.map((n) => ({ name: text(n) ?? '', node: n }))
      : [{ name: text(on) ?? '', node: on }]
  for (const { name, node } of triggers) {
    if (dangerousTriggers.has(name))
      report(node, 'triggers', `${name} runs untrusted code with a privileged token`)
    else if (!allowedTriggers.has(name))
      report(node, 'triggers', `trigger ${name} is not one the examples allow`)
  }
  if (isMap(on))
    checkDispatchInputs(wf.map(wf.map(on.get('workflow_dispatch', true))?.get('inputs', true)), report)

  const env = wf.map(doc.get('env', true))
  if (env) checkEnv(env, report)
  for (const { value, node } of scalars(env)) {
    if (/\bsecrets\b/.test(value)) report(node, 'secrets', 'secrets at the workflow level reach every job')
  }
}

function checkDispatchInputs(inputs: YAMLMap | undefined, report: Report): void {
  for (const pair of inputs?.items ?? []) {
    const name = text(pair.key) ?? ''
    const input = isMap(pair.value) ? pair.value : undefined
    const type = text(input?.get('type', true))
    if (input?.get('required', true) === undefined)
      report(pair.key, 'dispatch-inputs', `input ${name}: say required: explicitly`)
    if (name === 'service' && type !== 'choice')
      report(pair.key, 'dispatch-inputs', 'input service must be type: choice')
    if (name === 'environment' && type !== 'environment')
      report(pair.key, 'dispatch-inputs', 'input environment must be type: environment')
    if (type === 'choice') {
      const options = input?.get('options', true)
      const values = isSeq(options) ? options.items.map((o) => text(o)) : []
      const fallback = text(input?.get('default', true))
      if (fallback !== undefined && !values.includes(fallback))
        report(pair.key, 'dispatch-inputs', `input ${name}: default "${fallback}" is not one of its options`)
    }
  }
}

function checkJob(wf: WorkflowDocument, id: string, job: YAMLMap, report: Report): void {
  const environment = job.get('environment', true)
  const steps = wf.steps(job)
  const usesOf = (step: YAMLMap) => text(step.get('uses', true)) ?? ''
  const isDeploy = steps.some((s) => deployAction.test(usesOf(s)))

  // 1. Permissions: present on every job, no blanket grants, a comment on each grant.
  const permissions = job.get('permissions', true)
  if (permissions === undefined)
    report(job, 'permissions', `job ${id} has no permissions: (use {} or the scopes it needs)`)
  else if (!isMap(permissions))
    report(permissions, 'permissions', `job ${id}: permissions must list scopes, not "${text(permissions)}"`)
  else {
    for (const pair of permissions.items) {
      const scope = text(pair.key)
      const level = text(pair.value)
      if (level !== 'none' && !(isScalar(pair.value) && pair.value.comment?.trim()))
        report(
          pair.key,
          'permissions',
          `job ${id}: say why it needs ${scope}: ${level} (a comment on the line)`
        )
      if (scope === 'id-token' && level === 'write' && environment === undefined)
        report(pair.key, 'permissions', `job ${id}: id-token: write only in a job bound to an environment`)
    }
  }

  // 2. Pinning, for reusable workflows called by the job and for every step.
  const jobUses = job.get('uses', true)
  if (jobUses !== undefined) checkPinned(jobUses, report)
  for (const step of steps) {
    const uses = step.get('uses', true)
    if (uses !== undefined) checkPinned(uses, report)
  }

  // 3. and 11. run: scripts: no expressions, no unsafe habits.
  for (const step of steps) {
    const run = step.get('run', true)
    const script = text(run)
    if (script === undefined) continue
    if (script.includes('${{'))
      report(
        run,
        'run-expression',
        `job ${id}: \${{ }} inside run: - pass the value through env: and use "$VAR"`
      )
    for (const [pattern, message] of forbiddenScript)
      if (pattern.test(script)) report(run, 'script-hygiene', message)
    if (text(step.get('shell', true)) === undefined)
      report(run, 'script-hygiene', `job ${id}: set shell: bash on run: steps`)
  }
  for (const step of steps) {
    const script = step.getIn(['with', 'script'], true)
    if (/github-script@/.test(usesOf(step)) && text(script)?.includes('${{'))
      report(script, 'run-expression', `job ${id}: \${{ }} inside a github-script script:`)
  }

  // 6. Checkout without persisted credentials; never upload the workspace root.
  for (const step of steps) {
    const uses = usesOf(step)
    if (uses.startsWith('actions/checkout@')) {
      const persist = step.getIn(['with', 'persist-credentials'], true)
      if (String(text(persist)) !== 'false')
        report(
          step.get('uses', true),
          'checkout-credentials',
          `job ${id}: checkout must set persist-credentials: false`
        )
    }
    if (uses.startsWith('actions/upload-artifact@')) {
      const uploadPath = text(step.getIn(['with', 'path'], true))?.trim()
      if (uploadPath && /^(\.\/?|\$\{\{\s*github\.workspace\s*\}\}\/?)$/.test(uploadPath))
        report(step.get('uses', true), 'artifact-root', `job ${id}: never upload the workspace root`)
    }
  }

  // 7. Secrets only in jobs bound to an environment; never inherited or dumped whole.
  const secretsValue = job.get('secrets', true)
  if (text(secretsValue) === 'inherit')
    report(secretsValue, 'secrets', `job ${id}: secrets: inherit hands over every secret`)
  for (const { value, node } of scalars(job)) {
    for (const expr of expressionsIn(value)) {
      if (/toJSON\(\s*secrets\s*\)|fromJSON\(\s*secrets\./i.test(expr))
        report(node, 'secrets', `job ${id}: never pass secrets whole or as JSON`)
      else if (/(?<![\w.])secrets\s*(\.|\[)/.test(expr) && environment === undefined)
        report(node, 'secrets', `job ${id} uses a secret but is bound to no environment`)
    }
  }
  const jobEnv = wf.map(job.get('env', true))
  if (jobEnv) checkEnv(jobEnv, report)
  for (const step of steps) {
    const env = wf.map(step.get('env', true))
    if (env) checkEnv(env, report)
  }

  // 8. and 9. Deploy jobs: bound to an environment, one per service and environment, never
  // cancelled, and nothing restored from a cache.
  if (isDeploy || environment !== undefined) {
    if (isDeploy && environment === undefined)
      report(
        job,
        'deploy-environment',
        `deploy job ${id} is bound to no environment (its protection never applies)`
      )
    const concurrency = job.get('concurrency', true)
    const group = isMap(concurrency) ? text(concurrency.get('group', true)) : text(concurrency)
    const cancel = isMap(concurrency) ? text(concurrency.get('cancel-in-progress', true)) : undefined
    if (!group?.startsWith('deploy-'))
      report(
        concurrency ?? job,
        'deploy-concurrency',
        `deploy job ${id}: concurrency group deploy-<environment>-<service>`
      )
    if (String(cancel) !== 'false')
      report(
        concurrency ?? job,
        'deploy-concurrency',
        `deploy job ${id}: cancel-in-progress: false (never stop a deploy halfway)`
      )
    for (const step of steps) {
      const uses = usesOf(step)
      const cacheInput = text(step.getIn(['with', 'cache'], true))
      if (
        /^actions\/cache(\/restore)?@/.test(uses) ||
        (cacheInput !== undefined && !['false', ''].includes(cacheInput))
      )
        report(step.get('uses', true), 'deploy-cache', `deploy job ${id} restores a cache`)
    }
  }

  // 10. Conditions that are always true or hide text around an expression.
  for (const node of [job.get('if', true), ...steps.map((s) => s.get('if', true))]) {
    const condition = text(node)
    if (condition === undefined) continue
    if (condition.includes('\n')) report(node, 'condition', 'multi-line if: is always true')
    else if (condition.includes('${{') && !/^\s*\$\{\{[^}]*\}\}\s*$/.test(condition))
      report(node, 'condition', 'text around ${{ }} in if: makes it always true')
  }
}

function checkPinned(node: unknown, report: Report): void {
  const uses = text(node) ?? ''
  if (uses.startsWith('./')) return
  if (uses.startsWith('docker://')) {
    if (!/@sha256:[0-9a-f]{64}$/.test(uses)) report(node, 'pinning', `${uses}: pin the image by digest`)
    return
  }
  if (!pinnedSha.test(uses)) report(node, 'pinning', `${uses}: pin to a full 40-character commit SHA`)
  else if (!(isScalar(node) && node.comment && versionComment.test(node.comment)))
    report(node, 'pinning', `${uses}: add the release it is, as a comment (# vX.Y.Z)`)
}

function checkEnv(env: YAMLMap, report: Report): void {
  for (const pair of env.items) {
    const key = text(pair.key) ?? ''
    if (forbiddenEnvKeys.includes(key))
      report(pair.key, 'script-hygiene', `${key} must not be set in a workflow`)
  }
}
