// Tier rows of a compensation term: "Add tier" copies an empty row, "Remove" drops one
// (the last row left is emptied instead, so there is always one to type in).
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-tier-add]");
  const remove = event.target.closest("[data-tier-remove]");
  if (!add && !remove) return;
  const tiers = event.target.closest("[data-tiers]");
  const body = tiers.querySelector("tbody");
  const rows = () => body.querySelectorAll("tr");
  if (add) {
    const row = rows()[rows().length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach((input) => { input.value = ""; });
    body.appendChild(row);
    row.querySelector("input").focus();
  } else if (rows().length > 1) {
    remove.closest("tr").remove();
  } else {
    remove.closest("tr").querySelectorAll("input").forEach((input) => { input.value = ""; });
  }
  rows().forEach((row, index) => {
    row.querySelectorAll("input")[0].setAttribute("aria-label", `Tier ${index + 1} from`);
    row.querySelectorAll("input")[1].setAttribute("aria-label", `Tier ${index + 1} rate %`);
  });
});
