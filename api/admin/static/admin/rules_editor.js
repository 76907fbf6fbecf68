// The rules editor: line numbers, the checker's diagnostics as you type (POST /v1/rules/check, 400 ms after the
// last key), and the fmt button (POST /v1/rules/fmt). Without this script the form's buttons do the same on the server.
(function () {
  "use strict";
  var editor = document.querySelector(".editor");
  var text = document.getElementById("rules-text");
  var gutter = document.getElementById("gutter");
  var list = document.getElementById("diagnostics-list");
  var summary = document.getElementById("diagnostics-summary");
  var fmtButton = document.getElementById("fmt-button");
  if (!editor || !text || !gutter || !list || !summary) return;
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var DELAY = 400;
  var timer = null;
  var sent = 0; // answers to older requests than the latest are dropped
  var badLines = {};

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    });
  }

  function drawGutter() {
    var count = text.value.split("\n").length;
    var fragment = document.createDocumentFragment();
    for (var n = 1; n <= count; n++) {
      var span = document.createElement("span");
      span.textContent = String(n);
      span.setAttribute("data-line", String(n));
      if (badLines[n]) span.className = "error-line";
      fragment.appendChild(span);
      fragment.appendChild(document.createTextNode("\n"));
    }
    gutter.replaceChildren(fragment);
    gutter.scrollTop = text.scrollTop;
  }

  function showDiagnostics(answer) {
    badLines = {};
    list.replaceChildren();
    answer.diagnostics.forEach(function (d) {
      badLines[d.line] = true;
      var item = document.createElement("li");
      item.className = "diagnostic";
      item.setAttribute("data-line", d.line);
      item.setAttribute("data-column", d.column);
      var link = document.createElement("a");
      link.href = "#rules-text";
      link.className = "goto";
      link.textContent = "Line " + d.line + ", column " + d.column;
      item.appendChild(link);
      item.appendChild(document.createTextNode(": " + d.message));
      list.appendChild(item);
    });
    var n = answer.diagnostics.length;
    if (n) summary.textContent = n + (n === 1 ? " problem." : " problems.");
    else summary.textContent = "No problems: " + answer.ruleset.rules + (answer.ruleset.rules === 1 ? " rule." : " rules.");
    editor.classList.toggle("has-errors", n > 0);
    drawGutter();
  }

  function check() {
    var mine = ++sent;
    summary.textContent = "Checking…";
    post(editor.getAttribute("data-check-url"), { text: text.value }).then(function (answer) {
      if (mine !== sent) return;
      if (answer.status === 200) showDiagnostics(answer.json);
      else summary.textContent = "Not checked: " + (answer.json.detail || answer.json.title || answer.status);
    }).catch(function () {
      if (mine === sent) summary.textContent = "Not checked: the server did not answer.";
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, DELAY);
  }

  function goTo(line, column) {
    var lines = text.value.split("\n");
    var at = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    at += Math.max(0, column - 1);
    text.focus();
    text.setSelectionRange(at, at);
  }

  text.addEventListener("input", function () { drawGutter(); later(); });
  text.addEventListener("scroll", function () { gutter.scrollTop = text.scrollTop; });
  list.addEventListener("click", function (event) {
    var item = event.target.closest(".diagnostic");
    if (!item) return;
    event.preventDefault();
    goTo(Number(item.getAttribute("data-line")), Number(item.getAttribute("data-column")));
  });
  if (fmtButton) {
    fmtButton.addEventListener("click", function (event) {
      event.preventDefault();
      post(editor.getAttribute("data-fmt-url"), { text: text.value }).then(function (answer) {
        if (answer.status === 200) {
          text.value = answer.json.text;
          summary.textContent = answer.json.changed ? "Formatted." : "Already formatted.";
          drawGutter();
        }
        check(); // a text that does not parse is not formatted: the checker says why, at its line
      });
    });
  }
  drawGutter();
})();
