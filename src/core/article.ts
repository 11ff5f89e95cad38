/** "an Azure DevOps address", "a GitHub token": the indefinite article for a name in a message. */
export const an = (name: string): string => `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
