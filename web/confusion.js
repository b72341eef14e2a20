// The Draw panel's confusion matrix of the test set for the model in use; a cell opens its
// digits in Draw, one per click.
"use strict";

/** The test set's confusion matrix of the model in use; a cell opens its digits in Draw. */
async function showConfusion() {
  const table = $("confusion");
  try {
    const { counts, examples } = await api("/api/confusion");
    const largestWrong = Math.max(1, ...counts.flatMap((row, t) => row.filter((_, p) => p !== t)));
    const head = table.createTHead();
    head.replaceChildren();
    const top = head.insertRow();
    top.append(Object.assign(document.createElement("th"), { textContent: "true ↓ / answer →" }));
    counts.forEach((_, p) => top.append(Object.assign(document.createElement("th"), { textContent: String(p) })));
    const body = document.createElement("tbody");
    counts.forEach((row, t) => {
      const line = body.insertRow();
      line.append(Object.assign(document.createElement("th"), { textContent: String(t) }));
      row.forEach((count, p) => {
        const cell = line.insertCell();
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = String(count);
        button.className = t === p ? "right" : "wrong";
        if (t !== p) button.style.setProperty("--share", String(count / largestWrong));
        button.setAttribute("aria-label", `${count} test images of ${t} read as ${p}`);
        button.disabled = examples[t][p].length === 0;
        let next = 0;
        button.addEventListener("click", () => {
          showPrediction({ test_index: examples[t][p][next++ % examples[t][p].length] });
          $("draw").scrollIntoView({ behavior: "smooth" });
        });
        cell.append(button);
      });
    });
    table.replaceChildren(head, body);
  } catch (error) {
    table.replaceChildren();
    table.insertRow().insertCell().textContent = error.message;
  }
}

