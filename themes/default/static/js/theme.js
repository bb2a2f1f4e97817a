// Sets data-theme on <html> before the page paints (layouts/baseof.html loads it, blocking, in
// the head), so a dark page never flashes white: the reader's choice (js/kdocs.js stores it),
// else the system's. The print view is a book and always light.
(function (root) {
  var theme = null;
  try { theme = window.localStorage.getItem("kdocs-theme"); } catch (e) {}
  if (root.classList.contains("print-view")) theme = "light";
  else if (theme !== "dark" && theme !== "light") theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  root.setAttribute("data-theme", theme);
})(document.documentElement);
