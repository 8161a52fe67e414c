// The information desk's canned answers: a click adds the answer's text to
// the answer being drafted (the page works without it: the text is shown
// to copy).
document.querySelectorAll("button.insert").forEach(function (button) {
  button.addEventListener("click", function () {
    var target = document.getElementById(button.dataset.target);
    if (!target) return;
    target.value = target.value ? target.value + "\n\n" + button.dataset.text : button.dataset.text;
    target.focus();
  });
});
