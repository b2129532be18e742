import { z } from 'zod'

/** Upstream model id as the provider knows it (for Azure, the deployment name). */
export const UpstreamModel = z.string().min(1).max(256)

/** Relative share of traffic a deployment gets under the weighted strategy; 0 drains it. */
export const DeploymentWeight = z.int().nonnegative().max(1_000_000)
