/**
 * The one way the page makes elements: text goes in with `textContent`, never `innerHTML`. Request, check and
 * metric names come from scenario code and URLs, so they are untrusted text that must never become markup.
 */

export interface ElementOptions {
  className?: string;
  text?: string;
  title?: string;
  /** `data-*` attributes. */
  data?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  if (options.title !== undefined) element.title = options.title;
  if (options.data) for (const [key, value] of Object.entries(options.data)) element.dataset[key] = value;
  if (children.length > 0) element.append(...children);
  return element;
}
