export { attemptEvent, requestEvent, type UsageEventOverrides } from './usage-event-fixtures.ts'
