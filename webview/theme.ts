/**
 * The dashboard's colours and font, read from the CSS variables VS Code defines for webviews (--vscode-charts-*,
 * --vscode-editor-foreground, --vscode-panel-border, --vscode-font-family...), with fallbacks per theme kind for a
 * variable that is missing. VS Code switches themes by changing the body's class (vscode-light, vscode-dark,
 * vscode-high-contrast, vscode-high-contrast-light) and the variables on <html>; a MutationObserver on both
 * tells the charts to re-read and re-colour (canvas colours are not CSS, so they do not follow by themselves).
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export type SeriesColor = 'red' | 'blue' | 'green' | 'yellow' | 'orange' | 'purple';

export interface Palette {
  kind: ThemeKind;
  foreground: string;
  /** Secondary text: axis ticks, legends. */
  muted: string;
  background: string;
  /** Grid lines and borders. */
  grid: string;
  series: Record<SeriesColor, string>;
  fontFamily: string;
  fontSize: number;
}

interface Fallback {
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  series: Record<SeriesColor, string>;
}

// VS Code's default themes' values, used only when a variable is missing.
const DARK_SERIES = { red: '#f14c4c', blue: '#3794ff', green: '#89d185', yellow: '#cca700', orange: '#d18616', purple: '#b180d7' };
const LIGHT_SERIES = { red: '#e51400', blue: '#1a85ff', green: '#388a34', yellow: '#bf8803', orange: '#d18616', purple: '#652d90' };
const FALLBACKS: Record<ThemeKind, Fallback> = {
  dark: { foreground: '#cccccc', muted: '#9d9d9d', background: '#1f1f1f', grid: '#80808059', series: DARK_SERIES },
  light: { foreground: '#3b3b3b', muted: '#717171', background: '#ffffff', grid: '#80808059', series: LIGHT_SERIES },
  'high-contrast': { foreground: '#ffffff', muted: '#ffffff', background: '#000000', grid: '#6fc3df', series: DARK_SERIES },
  'high-contrast-light': { foreground: '#292929', muted: '#292929', background: '#ffffff', grid: '#0f4a85', series: LIGHT_SERIES },
};

export function themeKind(body: HTMLElement): ThemeKind {
  const classes = body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  if (classes.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readPalette(doc: Document = document): Palette {
  const kind = themeKind(doc.body);
  const fallback = FALLBACKS[kind];
  const style = getComputedStyle(doc.body);
  const read = (name: string, otherwise: string) => style.getPropertyValue(name).trim() || otherwise;
  const series = {} as Record<SeriesColor, string>;
  for (const color of Object.keys(fallback.series) as SeriesColor[]) series[color] = read(`--vscode-charts-${color}`, fallback.series[color]);
  const fontSize = Number.parseFloat(read('--vscode-font-size', '13'));
  const foreground = read('--vscode-editor-foreground', read('--vscode-foreground', fallback.foreground));
  return {
    kind,
    foreground,
    muted: read('--vscode-descriptionForeground', fallback.muted),
    background: read('--vscode-editor-background', fallback.background),
    // High contrast themes outline with contrastBorder; the others draw grids in the panel border colour.
    grid: kind.startsWith('high-contrast') ? read('--vscode-contrastBorder', fallback.grid) : read('--vscode-panel-border', fallback.grid),
    series,
    fontFamily: read('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) && fontSize > 0 ? fontSize : 13,
  };
}

/**
 * Calls `onChange` (at most once per batch of mutations) when the theme changes: the body's class, or the
 * variables VS Code sets in <html>'s style. Returns a function that stops watching.
 */
export function watchTheme(onChange: () => void, doc: Document = document): () => void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

let probe: CanvasRenderingContext2D | null | undefined;

/** `color` with its opacity multiplied by `alpha`: the lighter twin of a series for a compared run. */
export function fade(color: string, alpha: number): string {
  // A canvas normalises any CSS colour to #rrggbb or rgba(r, g, b, a), whatever form the theme used.
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const normal = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normal);
  if (hex) return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${alpha})`;
  const rgba = /^rgba\(([^,]+),([^,]+),([^,]+),([^)]+)\)$/.exec(normal);
  if (rgba) return `rgba(${rgba[1].trim()}, ${rgba[2].trim()}, ${rgba[3].trim()}, ${Number(rgba[4]) * alpha})`;
  return color;
}
