// The Draw panel's confusion matrix of the test set for the model in use; a cell opens its
// digits in Draw, one per click.
"use strict";

/** The last answer of /api/confusion (redrawn in a new language). */
let confusion = null;

/** The test set's confusion matrix of the model in use; a cell opens its digits in Draw. */
async function showConfusion() {
  try {
    confusion = await api("/api/confusion");
    drawConfusion();
  } catch (error) {
    confusion = null;
    const table = $("confusion");
    table.replaceChildren();
    say(table.insertRow().insertCell(), problem(error));
  }
}

function drawConfusion() {
  if (!confusion) return;
  const table = $("confusion");
  const { counts, examples } = confusion;
  const largestWrong = Math.max(1, ...counts.flatMap((row, truth) => row.filter((_, answer) => answer !== truth)));
  const head = table.createTHead();
  head.replaceChildren();
  const top = head.insertRow();
  top.append(Object.assign(document.createElement("th"), { textContent: t("confusion.corner") }));
  counts.forEach((_, answer) => top.append(Object.assign(document.createElement("th"), { textContent: String(answer) })));
  const body = document.createElement("tbody");
  counts.forEach((row, truth) => {
    const line = body.insertRow();
    line.append(Object.assign(document.createElement("th"), { textContent: String(truth) }));
    row.forEach((images, answer) => {
      const cell = line.insertCell();
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = String(images);
      button.className = truth === answer ? "right" : "wrong";
      if (truth !== answer) button.style.setProperty("--share", String(images / largestWrong));
      button.setAttribute("aria-label", t("confusion.cell", { count: images, truth, answer }));
      const digits = examples[truth][answer];
      button.disabled = digits.length === 0;
      let next = 0;
      button.addEventListener("click", () => {
        showPrediction({ test_index: digits[next++ % digits.length] });
        $("draw").scrollIntoView({ behavior: "smooth" });
      });
      cell.append(button);
    });
  });
  table.replaceChildren(head, body);
}

onLanguage(drawConfusion);
