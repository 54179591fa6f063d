// The ECharts pingyi loads: only what static/js/hotline-charts.js and scores-chart.js use
// (bar and line series on a grid, tooltip with its axis pointer, legend, SVG renderer).
// A chart option naming anything else (a pie series, dataZoom ...) needs it added here and
// the build re-run (see README.md).
import { use } from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export * from "echarts/core";
