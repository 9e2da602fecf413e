// Shows the sections a cooperation method uses and, per term row, the fields its kind uses.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("contract-form");
  if (!form) return;
  const sections = JSON.parse(document.getElementById("method-sections").textContent);
  const kindFields = JSON.parse(document.getElementById("kind-fields").textContent);
  const always = ["kind", "description"];

  function showSections() {
    const method = form.querySelector("[name=method]").value;
    form.querySelectorAll("[data-section]").forEach((section) => {
      section.hidden = method !== "" && !(sections[method] || []).includes(section.dataset.section);
    });
  }
  function showTermFields(row) {
    const kind = row.querySelector("[data-field=kind]").value;
    row.querySelectorAll("[data-term-field]").forEach((cell) => {
      const name = cell.dataset.termField;
      cell.hidden = kind !== "" && !always.includes(name) && !(kindFields[kind] || []).includes(name);
    });
  }
  form.querySelector("[name=method]").addEventListener("change", showSections);
  form.querySelectorAll(".term-form").forEach((row) => {
    row.querySelector("[data-field=kind]").addEventListener("change", () => showTermFields(row));
    showTermFields(row);
  });
  showSections();
});
