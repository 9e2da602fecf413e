// Small page behaviours declared with data attributes, since pages carry no inline script
// (Content-Security-Policy): data-submit-on-change submits the field's form when it changes,
// data-print prints the page.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]")) event.target.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
