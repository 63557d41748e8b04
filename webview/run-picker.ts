/**
 * The comparison picker: another run (from the host's run list) to draw dashed on the same charts, or none. The
 * choice goes to the host (`dashboard/compare`), which answers with the compared run's points.
 */
import type { DashboardView } from '../agent/protocol/dashboard';
import { el } from './dom';
import { formatDate } from './format';

export class RunPicker {
  private readonly select = el('select', { className: 'run-picker' });
  private readonly note = el('span', { className: 'compare-note' });
  /** The reader's last choice, shown until the host's answer arrives. */
  private chosen: string | undefined;

  constructor(container: HTMLElement, private readonly onChoose: (runId: string | undefined) => void) {
    const label = el('label', { text: 'Compare with ' }, this.select);
    this.select.addEventListener('change', () => {
      this.chosen = this.select.value === '' ? undefined : this.select.value;
      this.onChoose(this.chosen);
    });
    container.append(label, this.note);
  }

  render(view: DashboardView): void {
    const current = view.compare?.runId;
    if (current !== undefined || this.chosen === undefined) this.chosen = current;
    const options = [el('option', { text: 'no other run' })];
    options[0].value = '';
    for (const run of view.runs) {
      if (run.runId === view.runId) continue;
      const option = el('option', { text: `${run.title} — ${formatDate(run.startedAt)} (${run.status})` });
      option.value = run.runId;
      options.push(option);
    }
    this.select.replaceChildren(...options);
    this.select.value = this.chosen ?? '';
    this.select.disabled = options.length === 1;
    this.note.textContent = view.compare ? `dashed lines: ${view.compare.title}` : '';
  }
}
