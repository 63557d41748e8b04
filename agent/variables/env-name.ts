/**
 * How a variable is named in the environment (`ROOKERY_<UPPER_SNAKE>`) and how text given for it on the outside
 * (an environment value, `--var name=value`) becomes a value.
 */

const ENV_PREFIX = 'ROOKERY_';

/**
 * `numberOfNeighbours`, `number_of_neighbours` and `number-of-neighbours` all give `ROOKERY_NUMBER_OF_NEIGHBOURS`:
 * a scenario author picks the JavaScript spelling, an operator types the shell one.
 */
export function envName(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // fooBar → foo_Bar
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2') // HTTPHost → HTTP_Host
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return ENV_PREFIX + snake.toUpperCase();
}

/**
 * JSON when the text is valid JSON (`42`, `[1,2]`, `{"a":1}`, `true`, `"quoted"`), otherwise the text itself, so
 * `ROOKERY_HOST=http://x` needs no quoting while numbers and lists still arrive typed (amoc parses env values as
 * Erlang terms for the same reason).
 */
export function parseLooseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
