/**
 * A LIKE pattern for "contains what the user typed": `%`, `_` and the escape character typed into
 * a search box are letters, not wildcards (PostgreSQL's default LIKE escape is the backslash).
 */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
