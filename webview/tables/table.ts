/**
 * A plain HTML table from column definitions and rows, rebuilt whole on each change (tables are replaced whole by
 * each update, and a few hundred cells a second is nothing). Cells get their text with textContent; a numeric
 * cell also carries its exact value in `data-value`, for copying and for tests.
 */
import { el } from '../dom';

export interface Column<R> {
  title: string;
  /** The raw value: a number is formatted with `format` and right-aligned; null shows as a dash. */
  value(row: R): string | number | null;
  format?(value: number, row: R): string;
  /** An extra class for one cell (a highlight). */
  cellClass?(row: R): string | undefined;
  /** A tooltip for one cell. */
  cellTitle?(row: R): string | undefined;
}

export interface TableOptions<R> {
  /** Rows after the body, in <tfoot> (a total). */
  footer?: R[];
  rowClass?(row: R): string | undefined;
  /** Shown instead of an empty body. */
  empty: string;
}

function cell<R>(tag: 'td' | 'th', column: Column<R>, row: R): HTMLElement {
  const value = column.value(row);
  const cellElement = el(tag);
  if (typeof value === 'number') {
    cellElement.className = 'num';
    cellElement.dataset.value = String(value);
    cellElement.textContent = column.format ? column.format(value, row) : String(value);
  } else {
    cellElement.textContent = value ?? '—';
  }
  const extra = column.cellClass?.(row);
  if (extra) cellElement.classList.add(extra);
  const title = column.cellTitle?.(row);
  if (title) cellElement.title = title;
  return cellElement;
}

function tableRow<R>(columns: readonly Column<R>[], row: R, options: TableOptions<R>): HTMLTableRowElement {
  const tr = el('tr');
  const rowClass = options.rowClass?.(row);
  if (rowClass) tr.className = rowClass;
  columns.forEach((column, i) => tr.append(cell(i === 0 ? 'th' : 'td', column, row)));
  tr.firstElementChild?.setAttribute('scope', 'row');
  return tr;
}

export function renderTable<R>(table: HTMLTableElement, columns: readonly Column<R>[], rows: readonly R[], options: TableOptions<R>): void {
  const head = el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { text: c.title, className: 'col' }))));
  const body = el('tbody');
  if (rows.length === 0) {
    const empty = el('td', { text: options.empty, className: 'empty' });
    empty.colSpan = columns.length;
    body.append(el('tr', {}, empty));
  } else {
    for (const row of rows) body.append(tableRow(columns, row, options));
  }
  const parts: HTMLElement[] = [head, body];
  if (options.footer && options.footer.length > 0) parts.push(el('tfoot', {}, ...options.footer.map((row) => tableRow(columns, row, options))));
  table.replaceChildren(...parts);
}
