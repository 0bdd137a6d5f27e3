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

// What an action did is said in the message area, as a flash says it after a full page: the server sends
// it as an "announce" event with the fragment (core/htmx.py fragment_or_redirect).
document.addEventListener("announce", function (event) {
  var area = document.getElementById("flashes");
  if (!area || !event.detail || !event.detail.message) return;
  var note = document.createElement("p");
  note.className = "flash flash-" + (event.detail.category || "success");
  note.textContent = event.detail.message;
  area.replaceChildren(note);
});

// The keyboard stays where it was when htmx replaces the part of the page that held it: the control is
// found again by its id, or by its form's id or address, so a poll or another resident's vote never throws
// it back to the start of the page.
var focusBeforeSwap = null;

function focusKey(element) {
  if (element.id) return "#" + CSS.escape(element.id);
  var form = element.closest("form");
  if (!form) return null;
  var control = element.tagName.toLowerCase() + (element.name ? '[name="' + CSS.escape(element.name) + '"]' : "");
  if (form.id) return "#" + CSS.escape(form.id) + " " + control;
  var action = form.getAttribute("action");
  return action ? 'form[action="' + CSS.escape(action) + '"] ' + control : null;
}

document.addEventListener("htmx:beforeSwap", function (event) {
  var active = document.activeElement;
  var target = event.detail.target;
  focusBeforeSwap = active && active !== document.body && target && target.contains(active) ? focusKey(active) : null;
});

document.addEventListener("htmx:afterSettle", function (event) {
  // New content the person asked for (their posted comment) takes the focus; then a field that needs
  // correcting; else the control that was used, where it still is.
  var wanted = document.querySelector("[data-focus-after-swap]");
  if (wanted) {
    wanted.removeAttribute("data-focus-after-swap");
    wanted.focus();
    return;
  }
  var swapped = event.detail.elt;
  var invalid = swapped && swapped.querySelector ? swapped.querySelector('[aria-invalid="true"]') : null;
  if (invalid && event.detail.requestConfig && event.detail.requestConfig.verb !== "get") {
    invalid.focus();
    return;
  }
  var active = document.activeElement;
  if (focusBeforeSwap && (!active || active === document.body)) {
    var again = document.querySelector(focusBeforeSwap);
    if (again) again.focus();
  }
  focusBeforeSwap = null;
});
