import { timingSafeEqual } from 'node:crypto'
import type { IncomingCall } from '../server/endpoint.ts'
import { headerValue } from '../server/endpoint.ts'
import type { JsonReply } from '../server/reply.ts'
import type { BedrockCredentials } from '../server/simulator-options.ts'
import { bedrockError } from './bedrock-errors.ts'
import {
  canonicalRequest,
  credentialScope,
  sha256Hex,
  signature,
  signingKey,
  sigV4Algorithm,
  stringToSign,
} from './sigv4.ts'

const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/
const amzDatePattern = /^\d{8}T\d{6}Z$/
const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d+$/
const service = 'bedrock'

function denied(type: string, message: string): JsonReply {
  return bedrockError(403, type, message)
}

/**
 * Checks a SigV4 `Authorization` header: its format, a region-shaped scope for service
 * `bedrock`, a matching `x-amz-date`. With known credentials it also recomputes the signature
 * over the request as received, body included.
 */
export function createBedrockAuthenticator(credentials: BedrockCredentials | undefined) {
  return function authenticateBedrock(call: IncomingCall): JsonReply | undefined {
    const authorization = headerValue(call.headers, 'authorization')
    if (authorization === undefined)
      return denied('MissingAuthenticationTokenException', 'Missing Authentication Token')
    const found = authorizationPattern.exec(authorization)
    if (found === null) {
      const message = authorization.startsWith(sigV4Algorithm)
        ? "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters."
        : `Authorization header requires the ${sigV4Algorithm} algorithm.`
      return denied('IncompleteSignatureException', message)
    }
    const [, accessKeyId = '', date = '', region = '', scopeService = '', signedHeaderList = '', sent = ''] = found
    if (scopeService !== service) {
      return denied('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`)
    }
    if (!regionPattern.test(region))
      return denied('InvalidSignatureException', 'Credential should be scoped to a valid region.')
    const amzDate = headerValue(call.headers, 'x-amz-date')
    if (amzDate === undefined || !amzDatePattern.test(amzDate)) {
      return denied(
        'IncompleteSignatureException',
        "Authorization header requires existence of a valid 'X-Amz-Date' header.",
      )
    }
    if (amzDate.slice(0, 8) !== date) {
      return denied(
        'InvalidSignatureException',
        'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.',
      )
    }
    const signedHeaders = signedHeaderList.split(';')
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
      return denied('InvalidSignatureException', "'Host' and 'X-Amz-Date' must be signed headers.")
    }
    if (credentials === undefined) return undefined
    if (accessKeyId !== credentials.accessKeyId) {
      return denied('UnrecognizedClientException', 'The security token included in the request is invalid.')
    }
    const contentHash = headerValue(call.headers, 'x-amz-content-sha256')
    const payloadHash = contentHash === 'UNSIGNED-PAYLOAD' ? contentHash : sha256Hex(call.body ?? '')
    const canonical = canonicalRequest({ ...call, signedHeaders, payloadHash })
    const scope = credentialScope(date, region, service)
    const expected = signature(
      signingKey(credentials.secretAccessKey, date, region, service),
      stringToSign(amzDate, scope, canonical),
    )
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(sent))) {
      return denied(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      )
    }
    return undefined
  }
}
