// Tell the user, in their language, when an htmx request fails instead of doing nothing.
document.addEventListener("htmx:responseError", showFailure);
document.addEventListener("htmx:sendError", showFailure);

function showFailure(event) {
  var status = pollStatus(event.detail.elt);
  if (status) {
    // A live region that cannot refresh says so in place and keeps trying.
    status.textContent = status.dataset.message;
    return;
  }
  var area = document.getElementById("flashes");
  if (!area) return;
  var note = document.createElement("p");
  note.className = "flash flash-error";
  note.textContent = document.body.dataset.errorMessage;
  area.replaceChildren(note);
}

function pollStatus(elt) {
  var region = elt && elt.closest ? elt.closest("[data-poll]") : null;
  return region ? region.querySelector("[data-poll-status]") : null;
}

// A live region refreshes itself, but not while someone is typing in it or has a form open in it.
document.addEventListener("htmx:beforeRequest", function (event) {
  var region = event.detail.elt;
  if (!region.hasAttribute("data-poll") || event.detail.requestConfig.verb !== "get") return;
  var active = document.activeElement;
  var typing = active && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  if (typing || region.querySelector("details[open]")) event.preventDefault();
});

// A refresh that got through clears the "connection lost" note.
document.addEventListener("htmx:afterRequest", function (event) {
  var status = pollStatus(event.detail.elt);
  if (status && event.detail.successful) status.textContent = "";
});

// A screen reader hears when a new question is put to the deputies: the refreshed region is replaced
// whole, so a status line outside it says the new current question once.
function announceCurrent(firstLook) {
  document.querySelectorAll("[data-announce]").forEach(function (status) {
    var source = document.querySelector(status.dataset.announce);
    var text = source ? source.textContent.trim() : "";
    if (!firstLook && text && text !== status.dataset.said) {
      status.textContent = status.dataset.announcePrefix + ": " + text;
    }
    status.dataset.said = text;
  });
}
document.addEventListener("DOMContentLoaded", function () { announceCurrent(true); });
document.addEventListener("htmx:afterSettle", function () { announceCurrent(false); });
