// Tell the user, in their language, when an htmx request fails instead of doing nothing.
document.addEventListener("htmx:responseError", showFailure);
document.addEventListener("htmx:sendError", showFailure);

function showFailure() {
  var area = document.getElementById("flashes");
  if (!area) return;
  var note = document.createElement("p");
  note.className = "flash flash-error";
  note.textContent = document.body.dataset.errorMessage;
  area.replaceChildren(note);
}
