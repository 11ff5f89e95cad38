/** Sentences every provider says the same way, with its own name and nouns. */
import { finding, type Finding } from '../../report.js';
import { quoteStatement } from './statement.js';

export interface CaseMismatch {
  provider: string;
  /** `project` or `repository`. */
  what: string;
  stored: string;
  requested: string;
  /** What later steps compare: `names` or (GitLab) `paths`. */
  compared?: string;
}

/** The named project exists only in another casing: the provider matched it, later steps may not. */
export const caseMismatch = ({ provider, what, stored, requested, compared = 'names' }: CaseMismatch): Finding =>
  finding(
    'project.case-mismatch',
    'error',
    `The ${what} exists as "${stored}", not "${requested}"; ${provider} matched it ignoring case, but later steps that compare ${compared} exactly will not.`,
    `Use "${stored}" exactly.`,
  );

export interface PolicyBlock {
  provider: string;
  /** What was refused: `the request for the repository "o/r"`, `every request`. */
  what: string;
  /** The policy, in words: `the organisation's IP allow list does not include this runner's address`. */
  policy: string;
  /** The provider's own statement (quoted, cut). */
  said: string;
  /** Who changes what: an administrator, the runner's network, a token that fits the policy — never "regenerate". */
  fix: string;
}

/** A policy, not the token, refused the request: one finding (reported once per check), no scope verdict. */
export const policyBlocked = (p: PolicyBlock): Finding =>
  finding(
    'token.policy-blocked',
    'error',
    `${p.provider} refused ${p.what} because ${p.policy} (it said ${quoteStatement(p.said)}); the token's scopes were not the reason, so they are not judged from it.`,
    p.fix,
  );
