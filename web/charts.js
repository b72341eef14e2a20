// Line charts for the Train panel: axes with their titles, a legend above the lines, dashed
// series for compared runs, drawn at the device's pixel ratio and sized to the canvas's box.
"use strict";

const COLOURS = ["#2457c5", "#d0452f", "#1b7f3b", "#8e44ad", "#d68910", "#17a2b8", "#6c757d", "#e83e8c"];

/** The round step (1, 2 or 5 × 10^k) that cuts `span` into about `count` intervals. */
function niceStep(span, count) {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / power;
  return (mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10) * power;
}

/** Ticks at round values in [lo, hi] (multiples of a 1-2-5 step), with the step's decimals. */
function niceTicks(lo, hi, count = 5) {
  const step = niceStep(hi - lo, count);
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(k * step);
  return { ticks, digits };
}

/**
 * Line chart of `series` ([{name, colour, points: [[x, y]]}]) with axes, their titles and a
 * legend above the plot; drawn at the device's pixel ratio, sized to the canvas's box.
 */
function lineChart(canvas, series, { logY = false, xTitle = t("chart.epoch"), yTitle = "" } = {}) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(240, Math.round(canvas.getBoundingClientRect().width || 520));
  const height = Math.round(Math.min(300, Math.max(200, width * 0.55)));
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.height = `${height}px`;
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const points = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
  canvas.dataset.points = series.length ? series[0].points.length : 0;
  // The words drawn on the canvas, for the page's tests (a canvas has no text to read).
  canvas.dataset.words = [xTitle, yTitle, ...series.map((s) => s.name)].join(" | ");
  context.font = "13px system-ui, sans-serif";
  context.fillStyle = "#5b6475";
  if (points.length === 0) {
    context.fillText(t("chart.empty"), 16, height / 2);
    canvas.dataset.words = t("chart.empty");
    return;
  }
  const f = logY ? Math.log10 : (y) => y;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => f(p[1]));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const margin = (y1 - y0) * 0.08;
  y0 -= margin; y1 += margin;
  const box = { left: 74, right: width - 12, top: 30, bottom: height - 42 };
  const X = (x) => box.left + (x - x0) / (x1 - x0) * (box.right - box.left);
  const Y = (y) => box.bottom - (f(y) - y0) / (y1 - y0) * (box.bottom - box.top);
  context.strokeStyle = "#c9d0dc";
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(box.left, box.top); context.lineTo(box.left, box.bottom); context.lineTo(box.right, box.bottom);
  context.stroke();
  // Ticks at round values: 1, 2 or 5 × 10^k on a linear axis; powers of ten on a log axis
  // (with 2 and 5 between them when the axis spans less than two decades).
  context.textAlign = "right";
  const yTicks = [];
  if (logY) {
    const decades = y1 - y0;
    for (let k = Math.floor(y0); k <= Math.ceil(y1); k++) {
      for (const m of decades < 2 ? [1, 2, 5] : [1]) {
        const value = Math.log10(m) + k;
        const label = k >= -2 && k <= 3 ? decimals(String(+(m * 10 ** k).toPrecision(3))) : `${m}e${k}`;
        if (value >= y0 && value <= y1) yTicks.push([value, label]);
      }
    }
  } else {
    const { ticks, digits } = niceTicks(y0, y1);
    for (const value of ticks) yTicks.push([value, fixed(value, digits)]);
  }
  for (const [value, label] of yTicks) {
    const y = box.bottom - (value - y0) / (y1 - y0) * (box.bottom - box.top);
    context.fillText(label, box.left - 6, y + 4);
  }
  canvas.dataset.yticks = yTicks.map(([, label]) => label).join(" ");
  context.textAlign = "center";
  const xTicks = niceTicks(x0, x1, 10).ticks.filter((x) => Number.isInteger(x) || x1 - x0 < 2);
  for (const x of xTicks) context.fillText(decimals(String(x)), X(x), box.bottom + 16);
  canvas.dataset.xticks = xTicks.join(" ");
  context.fillText(xTitle, (box.left + box.right) / 2, height - 6);
  if (yTitle) {
    context.save();
    context.translate(14, (box.top + box.bottom) / 2);
    context.rotate(-Math.PI / 2);
    context.fillText(yTitle, 0, 0);
    context.restore();
  }
  context.textAlign = "left";
  let legendX = box.left;
  series.forEach((s, i) => {
    const colour = s.colour || COLOURS[i % COLOURS.length];
    const visible = s.points.filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
    context.strokeStyle = context.fillStyle = colour;
    context.lineWidth = 2.5;
    context.setLineDash(s.dashed ? [6, 4] : []);
    context.beginPath();
    visible.forEach(([x, y], j) => (j ? context.lineTo(X(x), Y(y)) : context.moveTo(X(x), Y(y))));
    context.stroke();
    context.setLineDash([]);
    visible.forEach(([x, y]) => { context.beginPath(); context.arc(X(x), Y(y), 3.5, 0, 7); context.fill(); });
    // The legend sits above the plot, never on the lines.
    context.fillRect(legendX, 10, 14, 4);
    context.fillText(s.name, legendX + 18, 16);
    legendX += 28 + context.measureText(s.name).width;
  });
}

