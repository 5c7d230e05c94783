// Errors htmx does not swap (a server error, the network down) still get a visible message.
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  if (status >= 500) {
    show("Something went wrong on the server. Your change may not have been saved; reload the page to check.");
  }
});
document.addEventListener("htmx:sendError", function () {
  show("The server could not be reached. Check the connection and try again.");
});
document.addEventListener("htmx:beforeRequest", function () {
  var flash = document.getElementById("flash");
  if (flash) { flash.textContent = ""; }
});
function show(text) {
  var flash = document.getElementById("flash");
  if (!flash) { return; }
  var box = document.createElement("div");
  box.className = "error-box";
  box.textContent = text;
  flash.replaceChildren(box);
}

// New case form: a person ticked in the search results moves to the picked list, so that the
// next search (which replaces the results) does not drop them.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.name !== "existing" || !box.checked) { return; }
  var option = box.closest(".option");
  var picked = document.getElementById("picked");
  if (option && picked && !picked.contains(option)) { picked.appendChild(option); }
});
// ...and is not offered a second time in later results.
document.addEventListener("htmx:afterSwap", function (event) {
  var picked = document.getElementById("picked");
  if (!picked) { return; }
  event.detail.target.querySelectorAll('input[name="existing"]').forEach(function (box) {
    if (picked.contains(box)) { return; }
    var twin = picked.querySelector('input[name="existing"][value="' + box.value + '"]');
    if (twin) { box.closest(".option").remove(); }
  });
});

// Keyboard users keep their place when the case panels are replaced: focus goes to the first
// field in error, or back to the heading of the section they were working in.
var lastSection = null;
document.addEventListener("htmx:beforeRequest", function (event) {
  var section = event.detail.elt.closest && event.detail.elt.closest("section[id], header[id]");
  lastSection = section ? section.id : null;
});
document.addEventListener("htmx:afterSettle", function (event) {
  if (!event.detail.target || event.detail.target.id !== "case-panels") { return; }
  var panels = document.getElementById("case-panels");
  if (!panels) { return; }
  var invalid = panels.querySelector('[aria-invalid="true"]');
  if (invalid) { invalid.focus(); return; }
  var problem = panels.querySelector(".form-error");
  var place = problem || (lastSection && document.querySelector("#" + lastSection + " h1, #" + lastSection + " h2"));
  if (place) { place.setAttribute("tabindex", "-1"); place.focus(); }
});
