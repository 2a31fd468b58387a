/** The fake GitHub API for tests; see server.ts for the API. */
export {
  FakeGitHub,
  type Handler,
  type HandlerAnswer,
  type HandlerContext,
  type RecordedRequest
} from './server.js'
export type { Fault, FaultRule } from './faults.js'
export { ApiError, DeploymentsStore, type DeploymentRecord, type StatusRecord } from './deployments-store.js'
export { OpenApiDescription } from './openapi-description.js'
