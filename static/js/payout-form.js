// The payout details form shows only the fields of the chosen method (bank transfer: account
// number, bank, code; PayPal and Wise: the account's e-mail; ...), from #method-fields.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("payout-form");
  const data = document.getElementById("method-fields");
  if (!form || !data) return;
  const byMethod = JSON.parse(data.textContent);
  const methodFields = new Set(Object.values(byMethod).flat());
  const method = form.querySelector("[name=method]");
  const show = () => {
    const used = new Set(byMethod[method.value] || []);
    for (const name of methodFields) {
      const wrapper = form.querySelector(`#div_id_${name}`);
      if (wrapper) wrapper.hidden = !used.has(name);
    }
  };
  method.addEventListener("change", show);
  show();
});
