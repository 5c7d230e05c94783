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
