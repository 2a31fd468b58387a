/**
 * Inputs and outputs of the third-party actions the examples use, copied by hand from their
 * action.yml at the pinned commits (actions/checkout v4.2.2, actions/upload-artifact v4.6.2,
 * actions/download-artifact v4.3.0). Refresh this table when the pins move.
 */
import type { ActionSpec } from './action-metadata.js'

const optional = (description: string, defaultValue?: string) => ({
  description,
  required: false,
  ...(defaultValue === undefined ? {} : { default: defaultValue })
})

export const thirdPartyActions: Record<string, { sha: string; version: string; spec: ActionSpec }> = {
  'actions/checkout': {
    sha: '11bd71901bbe5b1630ceea73d27597364c9af683',
    version: 'v4.2.2',
    spec: {
      name: 'Checkout',
      description: 'Checkout a Git repository at a particular version',
      inputs: {
        repository: optional('Repository name with owner.', '${{ github.repository }}'),
        ref: optional('The branch, tag or SHA to checkout.'),
        token: optional('Personal access token (PAT) used to fetch the repository.', '${{ github.token }}'),
        'ssh-key': optional('SSH key used to fetch the repository.'),
        'ssh-known-hosts': optional('Known hosts in addition to the user and global host key database.'),
        'ssh-strict': optional('Whether to perform strict host key checking.', 'true'),
        'ssh-user': optional('The user to use when connecting to the remote SSH host.', 'git'),
        'persist-credentials': optional(
          'Whether to configure the token or SSH key with the local git config',
          'true'
        ),
        path: optional('Relative path under $GITHUB_WORKSPACE to place the repository'),
        clean: optional(
          'Whether to execute `git clean -ffdx && git reset --hard HEAD` before fetching',
          'true'
        ),
        filter: optional('Partially clone against a given filter.'),
        'sparse-checkout': optional('Do a sparse checkout on given patterns.'),
        'sparse-checkout-cone-mode': optional(
          'Specifies whether to use cone-mode when doing a sparse checkout.',
          'true'
        ),
        'fetch-depth': optional('Number of commits to fetch. 0 indicates all history.', '1'),
        'fetch-tags': optional('Whether to fetch tags, even if fetch-depth > 0.', 'false'),
        'show-progress': optional('Whether to show progress status output when fetching.', 'true'),
        lfs: optional('Whether to download Git-LFS files', 'false'),
        submodules: optional('Whether to checkout submodules.', 'false'),
        'set-safe-directory': optional('Add repository path as safe.directory for Git global config', 'true'),
        'github-server-url': optional(
          'The base URL for the GitHub instance that you are trying to clone from'
        )
      },
      outputs: {
        ref: { description: 'The branch, tag or SHA that was checked out' },
        commit: { description: 'The commit SHA that was checked out' }
      }
    }
  },
  'actions/upload-artifact': {
    sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02',
    version: 'v4.6.2',
    spec: {
      name: 'Upload a Build Artifact',
      description: 'Upload a build artifact that can be used by subsequent workflow steps',
      inputs: {
        name: optional('Artifact name', 'artifact'),
        path: {
          description: 'A file, directory or wildcard pattern that describes what to upload',
          required: true
        },
        'if-no-files-found': optional('The desired behavior if no files are found', 'warn'),
        'retention-days': optional('Duration after which artifact will expire in days.'),
        'compression-level': optional(
          'The level of compression for Zlib to be applied to the artifact archive.',
          '6'
        ),
        overwrite: optional(
          'If true, an artifact with a matching name will be deleted before a new one is uploaded.',
          'false'
        ),
        'include-hidden-files': optional('If true, hidden files will be included in the artifact.', 'false')
      },
      outputs: {
        'artifact-id': { description: 'A unique identifier for the artifact that was just uploaded.' },
        'artifact-url': { description: 'A download URL for the artifact that was just uploaded.' },
        'artifact-digest': { description: 'SHA-256 digest for the artifact that was just uploaded.' }
      }
    }
  },
  'actions/download-artifact': {
    sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093',
    version: 'v4.3.0',
    spec: {
      name: 'Download a Build Artifact',
      description:
        'Download a build artifact that was previously uploaded in the workflow by the upload-artifact action',
      inputs: {
        name: optional(
          'Name of the artifact to download. If unspecified, all artifacts for the run are downloaded.'
        ),
        path: optional('Destination path. Supports basic tilde expansion.'),
        pattern: optional('A glob pattern matching the artifacts that should be downloaded.'),
        'merge-multiple': optional(
          'When multiple artifacts are matched, extract them into the same directory.',
          'false'
        ),
        'github-token': optional('The GitHub token used to authenticate with the GitHub API.'),
        repository: optional(
          'The repository owner and the repository name joined together by "/".',
          '${{ github.repository }}'
        ),
        'run-id': optional(
          'The id of the workflow run where the desired download artifact was uploaded from.',
          '${{ github.run_id }}'
        )
      },
      outputs: {
        'download-path': { description: 'Path of artifact download' }
      }
    }
  }
}
