/** The skeleton every provider's online check is built on (composition: import what you use). */
export { closestNamesSentence } from './closest-names.js';
export { closestNames } from '../../suggest.js';
export { caseMismatch, policyBlocked, type PolicyBlock } from './messages.js';
export { htmlText, quoteStatement, statedExpiry, statement, statesExpired, statesRevoked, tidy } from './statement.js';
export { FindingSet } from './findings.js';
export { bodyText, configuredOrigin, isApiSuccess } from './responses.js';
export { finishRun, requireScopes, startRun, type OnlineRun } from './run.js';
export {
  boolean,
  describeProblem,
  dictionary,
  either,
  list,
  nullable,
  number,
  object,
  optional,
  readBody,
  text,
  type Infer,
  type Read,
  type Shape,
  type ShapeProblem,
} from './shape.js';
export { ScopeLedger, type ScopeResult } from './scope-ledger.js';
export { answered, isTrouble, networkFinding, noVerdict, trouble, unexpectedResponse } from './trouble.js';
export { missing, unverifiable, verified, type Verdict } from './verdict.js';
