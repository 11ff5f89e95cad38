/**
 * The one grammar check every user-facing text goes through in tests (the codes catalogue, every
 * finding's message and fix from the property sweep, the fault fixtures and the demo): the article
 * before a vowel sound ("an Azure DevOps", "a URL", "an 84-character"), a word written twice ("GitHub
 * GitHub"), an adjective in front of its article ("trailing a line break"), and the provider and
 * product names spelled exactly (Azure DevOps, GitHub, GitLab, Bitbucket, Microsoft Entra).
 *
 * Code, quoted values, URLs and host names are left out: they are the user's text or literal syntax.
 */

/** Letters whose names start with a vowel sound, for acronyms read letter by letter (an HTTP, an SSH, a URL). */
const VOWEL_SOUND_LETTERS = new Set('AEFHILMNORSX');
/** Words that start with a vowel letter but a consonant sound, and the reverse. */
const CONSONANT_SOUND = /^(uni(?!n)|use|usa|usi|usu|uti|ure|uri|one\b|once|eu|ubiq)/i;
const VOWEL_SOUND = /^(hour|honest|honou?r|heir|https?\b)/i;
/** Acronyms said as words, not letter by letter. */
const SAID_AS_WORDS = new Set(['SAML', 'SAS', 'NASA', 'PAT', 'PATs', 'JSON', 'YAML', 'OAuth', 'ASCII', 'UTF-8']);

function startsWithVowelSound(word: string): boolean {
  const w = word.replace(/^[^A-Za-z0-9]+/, '');
  if (w === '') return false;
  if (/^\d/.test(w)) return /^(8|11(?!\d)|18(?!\d))/.test(w); // an 8-day, an 11, an 18-month; a 401
  const acronym = /^([A-Z]{2,}|[A-Z][A-Z0-9]+)s?\b/.exec(w)?.[0];
  if (acronym && !SAID_AS_WORDS.has(acronym) && acronym !== acronym.toLowerCase()) return VOWEL_SOUND_LETTERS.has(w[0]!);
  if (CONSONANT_SOUND.test(w)) return false;
  if (VOWEL_SOUND.test(w)) return true;
  return /^[aeiou]/i.test(w);
}

/** Backtick code, quoted values, URLs, host names and identifiers, each replaced by a neutral word. */
function prose(text: string): string {
  return text
    .replace(/`[^`]*`/g, ' CODE ')
    .replace(/"[^"]*"/g, ' QUOTED ')
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' LINK ')
    .replace(/\S+\.(com|org|net|io|invalid|example)\b\S*/gi, ' HOST ')
    .replace(/\b[\w.]*[_/$][\w./$-]*/g, ' IDENT ')
    .replace(/\b[a-z0-9]+(-[a-z0-9]+){2,}\b/g, ' IDENT ');
}

const NAMES: Array<[RegExp, string]> = [
  [/\bazure[ -]?dev[ -]?ops\b/gi, 'Azure DevOps'],
  [/\bgit[ ]?hub\b/gi, 'GitHub'],
  [/\bgit[ ]?lab\b/gi, 'GitLab'],
  [/\bbit[ ]?bucket\b/gi, 'Bitbucket'],
  [/\b(microsoft|ms) entra\b/gi, 'Microsoft Entra'],
];

/**
 * Provider names: any other capitalisation or spacing. An all-lower-case single word is a provider id
 * (`auto, azure-devops, github`, the `github_pat_` prefix) unless an article makes it prose ("a github token").
 */
function nameProblems(p: string): string[] {
  const found: string[] = [];
  for (const [pattern, exact] of NAMES)
    for (const m of p.matchAll(pattern)) {
      const id = m[0] === m[0].toLowerCase() && !/\s/.test(m[0]);
      if (m[0] === exact || (id && !/\b(a|an|the)\s+$/i.test(p.slice(0, m.index)))) continue;
      found.push(`"${m[0]}" should be spelled "${exact}"`);
    }
  return found;
}

export function grammarProblems(text: string): string[] {
  const p = prose(text);
  const found: string[] = [];
  for (const m of p.matchAll(/\b(a|an|A|An)\s+([^\s,.;:()]+)/g)) {
    const vowel = startsWithVowelSound(m[2]!);
    if (m[2] === 'CODE' || m[2] === 'QUOTED' || m[2] === 'LINK' || m[2] === 'HOST' || m[2] === 'IDENT') continue;
    if (vowel && m[1]!.toLowerCase() === 'a') found.push(`"${m[0]}" should be "an ${m[2]}"`);
    if (!vowel && m[1]!.toLowerCase() === 'an') found.push(`"${m[0]}" should be "a ${m[2]}"`);
  }
  for (const m of p.matchAll(/\b([A-Za-z]+ [A-Za-z]+)\s+\1\b/g)) found.push(`"${m[0]}": words twice`);
  for (const m of p.matchAll(/\b([A-Za-z]+)\s+\1\b/g))
    if (!/^(CODE|QUOTED|LINK|HOST|IDENT)$/.test(m[1]!)) found.push(`"${m[0]}": a word twice`);
  for (const m of p.matchAll(/\b(leading|trailing|surrounding)\s+(a|an|the)\b/gi)) found.push(`"${m[0]}": the article goes first`);
  for (const m of p.matchAll(/(?<=^|[\s(])1 ([a-z]+s)\b/g)) if (!/ss$/.test(m[1]!)) found.push(`"${m[0]}": one, but a plural`);
  found.push(...nameProblems(p));
  return found;
}

/** Every problem of the findings' messages and fixes, each prefixed with its code. */
export function findingsGrammar(findings: readonly { code: string; message: string; hint: string }[]): string[] {
  return grammarReport(
    findings.flatMap((f): Array<[string, string]> => [
      [f.code, f.message],
      [`${f.code} fix`, f.hint],
    ]),
  );
}

/** Every problem of every text, each prefixed with where it came from, for one readable assertion. */
export function grammarReport(texts: Iterable<[where: string, text: string]>): string[] {
  const out: string[] = [];
  for (const [where, text] of texts) for (const problem of grammarProblems(text)) out.push(`${where}: ${problem} — in: ${text}`);
  return [...new Set(out)];
}
