// Small behaviours of every page, kept out of the HTML so that the Content-Security-Policy allows no inline script.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.dataset.autosubmit !== undefined && el.form) el.form.submit();
});
