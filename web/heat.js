// Heat maps for the page: one diverging colour map (cool negative, white zero, warm positive)
// with a scale shared by the pictures it is given, its colour bar, and the pictures' layouts
// (a vector as a grid of cells, a square image, a matrix, one 28×28 tile per row).
// Loaded before app.js and backward.js, which use these functions.
"use strict";

/** RGB of a value already divided by its scale (clamped to [−1, 1]). */
function divergingColour(v) {
  const t = Math.min(1, Math.abs(v));
  return v >= 0
    ? [255, Math.round(255 - 150 * t), Math.round(255 - 230 * t)]
    : [Math.round(255 - 220 * t), Math.round(255 - 150 * t), 255];
}

/** The largest magnitude of one or more arrays (at least 1e-12, so it divides). */
function sharedScale(...arrays) {
  let scale = 1e-12;
  for (const values of arrays) for (const v of values) if (Math.abs(v) > scale) scale = Math.abs(v);
  return scale;
}

/** Paints an ImageData of `columns × rows` pixels onto `canvas`, scaled up without blur. */
function paintScaled(canvas, image, columns, rows) {
  const source = document.createElement("canvas");
  source.width = columns;
  source.height = rows;
  source.getContext("2d").putImageData(image, 0, 0);
  const context = canvas.getContext("2d");
  context.imageSmoothingEnabled = false;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
}

/**
 * The geometry of a picture of `count` values: how many cells across and down, and which value
 * (flat index, or −1) a cell shows.
 * - "vector": a grid of cells, about twice as wide as tall;
 * - "square": a side × side image (784 values: 28 × 28);
 * - "matrix": `rows` × `columns`, one row per unit;
 * - "tiles": one side × side tile per row of a matrix whose rows hold side² values, with a
 *   one-cell gap between tiles.
 */
function heatLayout(kind, count, rows = 1, columns = count) {
  if (kind === "square") {
    const side = Math.round(Math.sqrt(count));
    return { across: side, down: side, at: (x, y) => y * side + x, name: (i) => `[${i}] ` + t("heat.pixel", { row: Math.floor(i / side), column: i % side }) };
  }
  if (kind === "matrix") {
    return { across: columns, down: rows, at: (x, y) => y * columns + x, name: (i) => `[${Math.floor(i / columns)}, ${i % columns}]` };
  }
  if (kind === "tiles") {
    const side = Math.round(Math.sqrt(columns));
    const perRow = Math.max(1, Math.ceil(Math.sqrt(rows * 1.2)));
    const tileRows = Math.ceil(rows / perRow);
    const cell = side + 1;
    return {
      across: perRow * cell - 1, down: tileRows * cell - 1, perRow, side,
      at: (x, y) => {
        const [tx, ty, px, py] = [Math.floor(x / cell), Math.floor(y / cell), x % cell, y % cell];
        const unit = ty * perRow + tx;
        if (px === side || py === side || unit >= rows) return -1;
        return unit * columns + py * side + px;
      },
      name: (i) => t("heat.tile", { unit: Math.floor(i / columns), pixel: i % columns }),
    };
  }
  const across = Math.max(1, Math.ceil(Math.sqrt(count * 2)));
  const down = Math.ceil(count / across);
  return { across, down, at: (x, y) => (y * across + x < count ? y * across + x : -1), name: (i) => `[${i}]` };
}

/**
 * Draws `values` on `canvas` with `layout` (from heatLayout): diverging colours against
 * `scale`, or grey levels in [0, 1] when `grey`. Cells outside the values are light grey.
 * The canvas is sized to `cellPixels` per cell, at most `maxWidth` CSS pixels wide.
 */
function drawHeat(canvas, values, layout, { scale = sharedScale(values), grey = false, cellPixels = 6, maxWidth = 560 } = {}) {
  const { across, down } = layout;
  const pixels = Math.max(1, Math.min(cellPixels, Math.floor(maxWidth / across)));
  canvas.width = across * pixels;
  canvas.height = down * pixels;
  const image = new ImageData(across, down);
  for (let y = 0; y < down; y++) {
    for (let x = 0; x < across; x++) {
      const i = layout.at(x, y);
      let colour = [196, 202, 214];
      if (i >= 0 && i < values.length) {
        if (grey) {
          const level = Math.round(Math.max(0, Math.min(1, values[i])) * 255);
          colour = [level, level, level];
        } else {
          colour = divergingColour(values[i] / scale);
        }
      }
      image.data.set([...colour, 255], 4 * (y * across + x));
    }
  }
  paintScaled(canvas, image, across, down);
  canvas.dataset.cells = String(values.length);
}

/** The flat index under a pointer event on a canvas drawn by drawHeat, or −1. */
function heatIndexAt(canvas, layout, event) {
  const box = canvas.getBoundingClientRect();
  const x = Math.floor((event.clientX - box.left) / box.width * layout.across);
  const y = Math.floor((event.clientY - box.top) / box.height * layout.down);
  if (x < 0 || y < 0 || x >= layout.across || y >= layout.down) return -1;
  return layout.at(x, y);
}

/** A colour bar from −scale to +scale (or 0 to 1, grey), with its three labels. */
function colourBar(scale, { grey = false } = {}) {
  const bar = document.createElement("div");
  bar.className = "colour-bar";
  const strip = document.createElement("canvas");
  strip.width = 160;
  strip.height = 10;
  strip.setAttribute("role", "img");
  const context = strip.getContext("2d");
  for (let x = 0; x < strip.width; x++) {
    const share = x / (strip.width - 1);
    const [r, g, b] = grey ? [255 * share, 255 * share, 255 * share] : divergingColour(2 * share - 1);
    context.fillStyle = `rgb(${r},${g},${b})`;
    context.fillRect(x, 0, 1, strip.height);
  }
  const [low, high] = grey ? ["0", "1"] : [formatNumber(-scale), formatNumber(scale)];
  strip.setAttribute("aria-label", t("heat.scale", { low, high }));
  const labels = document.createElement("div");
  labels.className = "colour-bar-labels";
  for (const text of [low, grey ? decimals("0.5") : "0", high]) {
    const span = document.createElement("span");
    span.textContent = text;
    labels.append(span);
  }
  bar.append(strip, labels);
  return bar;
}

/** A number for reading: 4 significant digits, exponent notation when very small or large. */
function formatNumber(v) {
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return String(v);
  const magnitude = Math.abs(v);
  return decimals(magnitude < 1e-3 || magnitude >= 1e5 ? v.toExponential(3) : String(Number(v.toPrecision(4))));
}
