/**
 * "a GitHub token", "an Azure DevOps URL", "an HTTP error", "a user": the indefinite article for a
 * phrase built from names at run time. The tests' grammar check holds every message to the same rule.
 */

/** Words spelled with a vowel but said with a consonant ("a user", "a unique", "a one-time"). */
const CONSONANT_SOUND = /^(uni(?!n)|use|usa|usi|usu|uti|ure|uri|one\b|once|eu)/i;
/** Acronyms said letter by letter whose first letter's name starts with a vowel sound (an HTTP, an SSH). */
const VOWEL_LETTER_ACRONYM = /^[AEFHILMNORSX][A-Z0-9]+\b/;

export function withArticle(phrase: string): string {
  const vowel =
    VOWEL_LETTER_ACRONYM.test(phrase) ||
    /^(8|11(?!\d)|18(?!\d))/.test(phrase) ||
    (/^[aeiou]/i.test(phrase) && !CONSONANT_SOUND.test(phrase));
  return `${vowel ? 'an' : 'a'} ${phrase}`;
}
