// Line charts for the Train panel: axes with their titles, a legend above the lines, dashed
// series for compared runs, drawn at the device's pixel ratio and sized to the canvas's box.
"use strict";

const COLOURS = ["#2457c5", "#d0452f", "#1b7f3b", "#8e44ad", "#d68910", "#17a2b8", "#6c757d", "#e83e8c"];

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
  context.textAlign = "right";
  for (let i = 0; i <= 4; i++) {
    const value = y0 + (y1 - y0) * i / 4;
    const label = decimals(logY ? (10 ** value).toExponential(1) : value.toPrecision(3));
    context.fillText(label, box.left - 6, box.bottom - (box.bottom - box.top) * i / 4 + 4);
  }
  context.textAlign = "center";
  const step = Math.max(1, Math.ceil((x1 - x0) / 10));
  for (let x = Math.ceil(x0); x <= x1; x += step) context.fillText(String(x), X(x), box.bottom + 16);
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

