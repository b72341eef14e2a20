// The lab's equations in TeX, typeset by KaTeX (embedded: web/katex/, no CDN), as the handout
// typesets them. In French the handout's notation (examples in columns: Z^[l] = W^[l]·A^[l−1]
// + b^[l], dZ^[l]); in English the page's own (examples in rows: Z_l = A_{l−1}·W_lᵀ + b_lᵀ,
// δ_l). The plain-text equation stays beside it, with the shapes and the words.
"use strict";

/** Whether the page's language writes the handout's notation (`tex.notation` in its catalogue). */
function handoutNotation() {
  return t("tex.notation") === "handout";
}

/** The names of layer `l`'s quantities in TeX. */
const TEX = {
  Z: (l) => (handoutNotation() ? `Z^{[${l}]}` : `Z_{${l}}`),
  A: (l) => (l === 0 ? "X" : handoutNotation() ? `A^{[${l}]}` : `A_{${l}}`),
  W: (l) => (handoutNotation() ? `W^{[${l}]}` : `W_{${l}}`),
  b: (l) => (handoutNotation() ? `b^{[${l}]}` : `b_{${l}}`),
  dW: (l) => (handoutNotation() ? `dW^{[${l}]}` : `dW_{${l}}`),
  db: (l) => (handoutNotation() ? `db^{[${l}]}` : `db_{${l}}`),
  delta: (l) => (handoutNotation() ? `dZ^{[${l}]}` : `\\delta_{${l}}`),
  output: (L) => (handoutNotation() ? `A^{[${L}]}` : "\\hat{Y}"),
  /** `x` transposed (a bracketed name gets its ᵀ after the bracket). */
  T: (x) => `${x}^{\\top}`.replace(/\^\{\[(\w+)\]\}\^\{\\top\}$/, "^{[$1]\\top}"),
};

const TEX_ACTIVATIONS = { tanh: "\\tanh", sigmoid: "\\sigma", relu: "\\operatorname{ReLU}" };

/** f′ of layer `l` as the lab writes it, for `activation`. */
function texSlope(activation, l) {
  const A = TEX.A(l);
  const squared = handoutNotation() ? `\\left(${A}\\right)^2` : `${A}^2`;
  return {
    tanh: `1 - ${squared}`,
    sigmoid: `${A} \\odot \\left(1 - ${A}\\right)`,
    relu: `\\mathbb{1}\\left[${TEX.Z(l)} > 0\\right]`,
  }[activation];
}

/** The TeX of one step of the Backward panel: `kind` and the step's layer `l`, the network's
 * last layer `L`, its `activation` and `head`. */
function stepTex(kind, { l = 1, L = 2, activation = "tanh", head = "softmax-ce" } = {}) {
  const h = handoutNotation();
  const Yhat = TEX.output(L);
  const affine = (k) => (h
    ? `${TEX.Z(k)} = ${TEX.W(k)}\\,${TEX.A(k - 1)} + ${TEX.b(k)}`
    : `${TEX.Z(k)} = ${TEX.A(k - 1)}\\,${TEX.T(TEX.W(k))} + ${TEX.T(TEX.b(k))}`);
  switch (kind) {
    case "input":
      return "X = \\dfrac{\\text{pixels}}{255}";
    case "hidden":
      return `${affine(l)}, \\qquad ${TEX.A(l)} = ${TEX_ACTIVATIONS[activation]}\\left(${TEX.Z(l)}\\right)`;
    case "output":
      return `${affine(L)}, \\qquad ${Yhat} = ${head === "softmax-ce" ? "\\operatorname{softmax}" : "\\sigma"}\\left(${TEX.Z(L)}\\right)`;
    case "loss":
      return head === "softmax-ce"
        ? `J = -\\sum_k Y_k \\log\\left(${Yhat}_k + \\varepsilon\\right)`
        : `J = -\\sum_k \\left[Y_k \\log\\left(${Yhat}_k + \\varepsilon\\right) + \\left(1 - Y_k\\right) \\log\\left(1 - ${Yhat}_k + \\varepsilon\\right)\\right]`;
    case "delta_out":
      return `${TEX.delta(L)} = \\dfrac{\\partial J}{\\partial ${TEX.Z(L)}} = ${Yhat} - Y`;
    case "slope":
      return `f'\\left(${TEX.Z(l)}\\right) = ${texSlope(activation, l)}`;
    case "delta_hidden":
      return h
        ? `${TEX.delta(l)} = \\left(${TEX.T(TEX.W(l + 1))}\\, ${TEX.delta(l + 1)}\\right) \\odot f'\\left(${TEX.Z(l)}\\right)`
        : `${TEX.delta(l)} = \\left(${TEX.delta(l + 1)}\\, ${TEX.W(l + 1)}\\right) \\odot f'\\left(${TEX.Z(l)}\\right)`;
    case "gradients":
      return h
        ? `${TEX.dW(l)} = ${TEX.delta(l)}\\, ${TEX.T(TEX.A(l - 1))}, \\qquad ${TEX.db(l)} = ${TEX.delta(l)} \\qquad (m = 1)`
        : `${TEX.dW(l)} = ${TEX.T(TEX.delta(l))}\\, ${TEX.A(l - 1)}, \\qquad ${TEX.db(l)} = ${TEX.delta(l)} \\qquad (m = 1)`;
    case "sgd":
      return h
        ? "W^{[c]} \\leftarrow W^{[c]} - \\eta\\, dW^{[c]}, \\qquad b^{[c]} \\leftarrow b^{[c]} - \\eta\\, db^{[c]}"
        : "W_l \\leftarrow W_l - \\eta\\, dW_l, \\qquad b_l \\leftarrow b_l - \\eta\\, db_l";
    default:
      return "";
  }
}

/** The Check panel's equations for any depth and batch size m, in TeX. */
function checkTex() {
  if (handoutNotation()) {
    return "\\begin{aligned}"
      + "dZ^{[L]} &= A^{[L]} - Y \\\\"
      + "dW^{[c]} &= \\tfrac{1}{m}\\, dZ^{[c]}\\, A^{[c-1]\\top}, \\qquad db^{[c]} = \\tfrac{1}{m} \\textstyle\\sum_i dZ^{[c]} \\\\"
      + "dZ^{[c-1]} &= \\left(W^{[c]\\top} dZ^{[c]}\\right) \\odot f'\\left(Z^{[c-1]}\\right)"
      + "\\end{aligned}";
  }
  return "\\begin{aligned}"
    + "\\delta_L &= \\tfrac{1}{m}\\left(\\hat{Y} - Y\\right) \\\\"
    + "dW_l &= A_{l-1}^{\\top}\\, \\delta_l, \\qquad db_l = \\textstyle\\sum_i \\delta_l \\\\"
    + "\\delta_{l-1} &= \\left(\\delta_l\\, W_l^{\\top}\\right) \\odot f'\\left(Z_{l-1}\\right)"
    + "\\end{aligned}";
}

/** Typesets `tex` into `element` (display style, with MathML for screen readers); the element
 * keeps its TeX in `data-tex` for the page's tests. Without KaTeX it stays empty. */
function typeset(element, tex) {
  element.dataset.tex = tex || "";
  if (!tex || typeof katex === "undefined") {
    element.replaceChildren();
    return;
  }
  katex.render(tex, element, { displayMode: true, throwOnError: false, output: "htmlAndMathml" });
}
