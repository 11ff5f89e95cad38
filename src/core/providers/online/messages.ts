/** Sentences every provider says the same way, with its own name and nouns. */
import { finding, type Finding } from '../../report.js';

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
