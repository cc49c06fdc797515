// Prepdeck's own behaviour. Loaded as a file so the Content-Security-Policy needs no 'unsafe-inline'.
document.addEventListener("DOMContentLoaded", () => {
  // htmx requests carry the page's CSRF token.
  const token = document.querySelector('input[name="csrf_token"]');
  if (token) {
    document.body.addEventListener("htmx:configRequest", (event) => {
      event.detail.headers["X-CSRFToken"] = token.value;
    });
  }
});
