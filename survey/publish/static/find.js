// Find your wijk by postcode: an enhancement only. Without this script the form takes the
// visitor to the table of postcodes on the same page, which holds the same links.
(function () {
  "use strict";
  var form = document.getElementById("find-postcode");
  if (!form) { return; }
  var input = document.getElementById("postcode");
  var result = document.getElementById("find-result");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var digits = (input.value.match(/\d/g) || []).join("").slice(0, 4);
    while (result.firstChild) { result.removeChild(result.firstChild); }
    if (!/^[1-9]\d{3}$/.test(digits)) {
      input.setAttribute("aria-invalid", "true");
      result.textContent = result.getAttribute("data-invalid");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    var row = document.getElementById("pc-" + digits);
    if (!row) {
      result.textContent = result.getAttribute("data-none");
      return;
    }
    var links = row.querySelectorAll("a");
    if (links.length === 1) {
      window.location.href = links[0].href;
      return;
    }
    var text = document.createElement("p");
    text.textContent = result.getAttribute("data-several");
    var list = document.createElement("ul");
    for (var i = 0; i < links.length; i++) {
      var item = document.createElement("li");
      item.appendChild(links[i].cloneNode(true));
      list.appendChild(item);
    }
    result.appendChild(text);
    result.appendChild(list);
  });
}());
