// A field of topics chosen from a list takes only a suggestion; jQuery UI's autocomplete
// highlights none until an arrow key is pressed, so Enter would take nothing. Highlighting the
// first suggestion as the list shows makes Enter choose it.
document.addEventListener("focusin", (event) => {
  const input = event.target;
  const list = input instanceof HTMLInputElement ? input.closest("ul.tagit") : null;
  // Wagtail's tag field is the input before the list that tag-it builds.
  const field = list?.previousElementSibling;
  if (!field?.matches("[data-controller~='w-tag']")) return;
  const options = JSON.parse(field?.dataset.wTagOptionsValue || "{}");
  const $input = window.jQuery(input);
  if (options.autocompleteOnly && $input.autocomplete("instance")) {
    $input.autocomplete("option", "autoFocus", true);
  }
});
