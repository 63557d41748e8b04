/**
 * The stable codes of static problems about variables, shared by the extractor, the checks, `rookery validate`
 * and the language server (which keys quick fixes on them). Never renumber or reuse one: editors and CI match them.
 */

/** The set of declared variables cannot be read without running the file (spread, computed key, non-object...). */
export const VAR_NOT_STATIC = 'ROOKERY_VAR_NOT_STATIC';
/** One option of one variable cannot be read as a literal (description, default, allowlist entries). */
export const VAR_NOT_LITERAL = 'ROOKERY_VAR_NOT_LITERAL';
/** The options object of one `variable()` cannot be read whole (not an object literal, or a spread in it). */
export const VAR_OPTIONS_NOT_STATIC = 'ROOKERY_VAR_OPTIONS_NOT_STATIC';
/** No `export default scenario({...})` was found. */
export const VAR_NOT_A_SCENARIO = 'ROOKERY_VAR_NOT_A_SCENARIO';
export const VAR_NO_DESCRIPTION = 'ROOKERY_VAR_NO_DESCRIPTION';
/** The default fails its own allowlist. */
export const VAR_DEFAULT_NOT_ALLOWED = 'ROOKERY_VAR_DEFAULT_NOT_ALLOWED';
/** The default's JSON type is not the type of the allowlist's values. */
export const VAR_DEFAULT_TYPE = 'ROOKERY_VAR_DEFAULT_TYPE';
export const VAR_DUPLICATE = 'ROOKERY_VAR_DUPLICATE';
export const VAR_EMPTY_ALLOWLIST = 'ROOKERY_VAR_EMPTY_ALLOWLIST';
/** `verify` is neither an array nor a function. */
export const VAR_INVALID_VERIFY = 'ROOKERY_VAR_INVALID_VERIFY';
/** `update` is neither `'read_only'`, `'none'` nor a function. */
export const VAR_INVALID_UPDATE = 'ROOKERY_VAR_INVALID_UPDATE';
/** Two names map to one `ROOKERY_<NAME>` environment variable. */
export const VAR_ENV_CLASH = 'ROOKERY_VAR_ENV_CLASH';
/** `vars[expr]`, or the whole `vars` object passed on: which variables it reads is unknown. */
export const VAR_DYNAMIC_READ = 'ROOKERY_VAR_DYNAMIC_READ';
/** `vars.x` where no `x` is declared. */
export const VAR_UNDECLARED = 'ROOKERY_VAR_UNDECLARED';
/** A declared variable that is never read. */
export const VAR_UNUSED = 'ROOKERY_VAR_UNUSED';
