export { type SignOptions, startTestIssuer, type TestIssuer } from './test-issuer.ts'
