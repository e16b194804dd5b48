// Tanggap web UI: keyboard shortcuts, selection and small conveniences.
// Only textContent and DOM properties are used: never innerHTML (comment text is hostile input).
(function () {
  "use strict";

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll(".queue .card[data-draft-id]"));
  }

  var selected = 0;
  var SEL_KEY = "tanggap.queue.selected";

  function select(index, scroll) {
    var list = cards();
    if (!list.length) return;
    selected = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (card, i) {
      card.classList.toggle("is-selected", i === selected);
      card.setAttribute("aria-current", i === selected ? "true" : "false");
    });
    if (scroll) list[selected].scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function current() {
    return cards()[selected] || null;
  }

  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function submit(form) {
    if (!form) return;
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  }

  function focusEnd(field) {
    if (!field) return;
    field.focus();
    var len = field.value.length;
    if (typeof field.setSelectionRange === "function") field.setSelectionRange(len, len);
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented) return;
    var target = ev.target;
    // Inside a box: Ctrl/Cmd+Enter approves the edited draft, Escape leaves the box.
    if (isTyping(target)) {
      if (ev.key === "Escape") {
        target.blur();
        ev.preventDefault();
      } else if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && target.dataset.role === "text") {
        submit(target.form);
        ev.preventDefault();
      }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var card = current();
    switch (ev.key) {
      case "j":
        select(selected + 1, true);
        break;
      case "k":
        select(selected - 1, true);
        break;
      case "a":
        if (card) submit(card.querySelector('form[data-role="approve"]'));
        break;
      case "e":
        if (card) focusEnd(card.querySelector('[data-role="text"]'));
        break;
      case "r":
        if (card) focusEnd(card.querySelector('[data-role="reason"]'));
        break;
      case "u":
        var undo = document.querySelector('form[data-role="undo"]');
        if (undo) submit(undo);
        break;
      case "x":
        if (card) {
          var pick = card.querySelector('[data-role="pick"]');
          if (pick) {
            pick.checked = !pick.checked;
            updateCount();
          }
        }
        break;
      default:
        return;
    }
    ev.preventDefault();
  });

  // Clicking or focusing inside a card selects it.
  document.addEventListener("focusin", function (ev) {
    var card = ev.target.closest && ev.target.closest(".queue .card[data-draft-id]");
    if (card) select(cards().indexOf(card), false);
  });
  document.addEventListener("click", function (ev) {
    var card = ev.target.closest && ev.target.closest(".queue .card[data-draft-id]");
    if (card) select(cards().indexOf(card), false);
  });

  // Bulk selection.
  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll('[data-role="pick"]'));
  }
  function updateCount() {
    var count = picks().filter(function (p) { return p.checked; }).length;
    var label = document.querySelector('[data-role="picked-count"]');
    if (label) label.textContent = count + " dipilih";
    var all = document.querySelector('[data-role="pick-all"]');
    if (all) all.checked = count > 0 && count === picks().length;
  }
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.dataset && el.dataset.role === "pick") updateCount();
    if (el.dataset && el.dataset.role === "pick-all") {
      picks().forEach(function (p) { p.checked = el.checked; });
      updateCount();
    }
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) submit(el.form);
  });

  // One click, one request: disable the buttons of a form while it is sent.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.dataset.role === "bulk") {
      var chosen = picks().filter(function (p) { return p.checked; }).length;
      if (!chosen) {
        ev.preventDefault();
        var label = document.querySelector('[data-role="picked-count"]');
        if (label) label.textContent = "Pilih minimal satu draf dulu";
        return;
      }
    }
    if (form.dataset.sending === "1") {
      ev.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    // Remember the position so that, after the reload, the next item is selected in its place.
    var card = form.closest(".queue .card[data-draft-id]");
    if (card) {
      try {
        sessionStorage.setItem(SEL_KEY, JSON.stringify({ page: location.pathname + location.search, index: cards().indexOf(card) }));
      } catch (e) { /* storage may be disabled */ }
    }
    // Keep the clicked button's name/value (bulk op) by disabling after the event is dispatched.
    setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    }, 0);
  });

  function restoredIndex() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(SEL_KEY) || "null");
      sessionStorage.removeItem(SEL_KEY);
      if (saved && saved.page === location.pathname + location.search) return saved.index | 0;
    } catch (e) { /* ignore */ }
    return 0;
  }

  // The draft box grows with its text (CSS field-sizing where supported, this elsewhere).
  function autosize(box) {
    if (!box || box.tagName !== "TEXTAREA") return;
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight + 2, window.innerHeight * 0.7) + "px";
  }
  document.addEventListener("input", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("draft-text")) autosize(ev.target);
  });

  // Copy a ready reply to the clipboard (falls back to selecting it).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest('[data-role="copy"]');
    if (!btn) return;
    var source = document.getElementById(btn.dataset.target);
    if (!source) return;
    var done = function () { btn.textContent = "Tersalin ✓"; };
    source.select();
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(source.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });

  // The undo button counts down and goes away when the publish job may have started.
  function startUndo(form) {
    var left = parseInt(form.dataset.seconds, 10) || 0;
    var label = form.querySelector('[data-role="undo-left"]');
    function tick() {
      if (left <= 0) {
        form.remove();
        return;
      }
      if (label) label.textContent = "(" + left + ")";
      left -= 1;
      setTimeout(tick, 1000);
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var index = restoredIndex();
    select(index, index > 0);
    updateCount();
    Array.prototype.forEach.call(document.querySelectorAll("textarea.draft-text"), autosize);
    Array.prototype.forEach.call(document.querySelectorAll('form[data-role="undo"]'), startUndo);
  });
})();
