// A ticket or receipt page's print button (the page prints without it
// from the browser's menu).
document.querySelectorAll("button.print").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
