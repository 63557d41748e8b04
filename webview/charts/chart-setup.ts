/**
 * The one place chart.js is registered, with only the pieces the dashboard draws: line charts on linear scales,
 * min-max decimation, legend and tooltip. Importing named parts (never `chart.js/auto`) lets the bundler drop the
 * other controllers, scales and plugins. Only webview/charts/ imports chart.js.
 */
import { Chart, Decimation, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Decimation, Legend, Tooltip);

export { Chart };
